import { z } from 'zod';
import { EpochMs, Latitude, Longitude, TagId } from './primitives.js';

/**
 * A tag's report: a location fix, a device status, or both. One with neither is a heartbeat.
 * Unknown fields are stripped (the contract says they are ignored).
 */
export const PingSchema = z
  .object({
    tagId: TagId,
    ts: EpochMs,
    lat: Latitude.optional(),
    lon: Longitude.optional(),
    accuracyM: z.number().positive().max(1e7).optional(),
    battery: z.number().min(0).max(1).optional(),
    strap: z.enum(['ok', 'tampered']).optional(),
  })
  .superRefine((p, ctx) => {
    if ((p.lat === undefined) !== (p.lon === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [p.lat === undefined ? 'lat' : 'lon'],
        message: 'a fix needs both lat and lon, or neither',
      });
    }
  });

export type Ping = z.infer<typeof PingSchema>;
