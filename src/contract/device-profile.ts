/**
 * Device profile: what a tag must know to report in real time near its subject's zones. Value of
 * the compacted topic `fenceline.device-config` (key tagId; a tombstone means "no profile": the
 * tag reports on its default schedule everywhere). Tag gateways push it to the device.
 *
 * The profile lives on the offender's device, so it never carries a victim's zone: each
 * exclusion zone becomes a coarse trigger circle, grown and offset by a keyed hash so that it
 * places the zone no more precisely than `offsetRadiusM` (see docs/contract/device-profiles.md).
 */
import { z } from 'zod';
import { EpochMs, Latitude, Longitude, TagId, validityShape } from './primitives.js';
import { Schedule } from './zone.js';

export const DEFAULT_DEVICE_CONFIG_TOPIC = 'fenceline.device-config';

/** A circle on the sphere: centre and radius in metres (great-circle distance). */
export const TriggerCircle = z.object({
  lat: Latitude,
  lon: Longitude,
  radiusM: z.number().min(0).max(1e7),
});
export type TriggerCircle = z.infer<typeof TriggerCircle>;

/**
 * `near-exclusion`: real time while the tag is inside `circle` and the trigger is active.
 * `curfew`: real time while the trigger is active and the tag is outside `circle` (the quiet
 * area, strictly inside the inclusion zone; radius 0 means real time for the whole window).
 * Active = validFrom <= now < validTo (absent: open) and, with a schedule, inside a window.
 */
export const TriggerSchema = z.object({
  triggerId: z.string().regex(/^t-[0-9a-f]{16}$/, { message: 'must be "t-" and 16 hex digits' }),
  kind: z.enum(['near-exclusion', 'curfew']),
  circle: TriggerCircle,
  schedule: Schedule.optional(),
  ...validityShape,
});
export type Trigger = z.infer<typeof TriggerSchema>;

/** What the tag does in real-time mode. */
export const RealTimePolicy = z.object({
  /** Take a fix at least this often. */
  fixIntervalS: z.number().int().min(1).max(3600),
  /** Upload each fix within this many seconds of taking it (0: at once). */
  uploadWithinS: z.number().int().min(0).max(3600),
});
export type RealTimePolicy = z.infer<typeof RealTimePolicy>;

export const DeviceProfileSchema = z.object({
  /** Content hash: equal ids mean equal profiles. Changes whenever anything below changes. */
  profileId: z.string().regex(/^p-[0-9a-f]{16}$/, { message: 'must be "p-" and 16 hex digits' }),
  tagId: TagId,
  /** The profile as of this instant (it was derived for it; earlier profiles are superseded). */
  asOf: EpochMs,
  /** Re-derived by this instant at the latest (a zone starts or ends); absent: no time-driven change. */
  refreshBy: EpochMs.optional(),
  /** The documented bound: each near-exclusion circle's centre lies within this of its zone's anchor. */
  offsetRadiusM: z.number().min(0).max(1e5),
  realTime: RealTimePolicy,
  triggers: z.array(TriggerSchema).min(1),
});
export type DeviceProfile = z.infer<typeof DeviceProfileSchema>;
