import { z } from 'zod';
import { ExternalId, Latitude, Longitude, Severity, validityIsOrdered, validityShape } from './primitives.js';

/** RFC 7946 position: [lon, lat] with an optional altitude that we ignore. */
const Position = z
  .array(z.number())
  .min(2)
  .max(3)
  .superRefine((p, ctx) => {
    if (!Longitude.safeParse(p[0]).success)
      ctx.addIssue({ code: 'custom', path: [0], message: 'longitude must be -180..180' });
    if (!Latitude.safeParse(p[1]).success)
      ctx.addIssue({ code: 'custom', path: [1], message: 'latitude must be -90..90' });
  });

const LinearRing = z
  .array(Position)
  .min(4, { message: 'a linear ring needs at least 4 positions' })
  .refine((ring) => ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1], {
    message: 'a linear ring must be closed (first position equals last)',
  });

const PolygonCoordinates = z.array(LinearRing).min(1, { message: 'a polygon needs an outer ring' });

export const PointGeometry = z.object({ type: z.literal('Point'), coordinates: Position });
export const PolygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: PolygonCoordinates });
export const MultiPolygonGeometry = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(PolygonCoordinates).min(1, { message: 'a MultiPolygon needs at least one polygon' }),
});

export const ZoneGeometry = z.discriminatedUnion('type', [
  PointGeometry,
  PolygonGeometry,
  MultiPolygonGeometry,
]);
export type ZoneGeometry = z.infer<typeof ZoneGeometry>;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

const HourMinute = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be "HH:MM", 00:00 to 23:59' });

/**
 * Names already judged. Asking ICU builds an Intl.DateTimeFormat (tens of µs), once per zone with
 * a schedule: seconds when a worker loads a million zones that share a handful of names. Both
 * sets are bounded: ICU has ~600 names, but it accepts them in any letter case, and unknown
 * names are untrusted input.
 */
const KNOWN_ZONES = new Set<string>();
const UNKNOWN_ZONES = new Set<string>();
const MAX_REMEMBERED = 2_000;

/** True when the runtime's ICU knows this IANA zone name. */
export function isKnownTimeZone(tz: string): boolean {
  if (KNOWN_ZONES.has(tz)) return true;
  if (UNKNOWN_ZONES.has(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    if (KNOWN_ZONES.size < MAX_REMEMBERED) KNOWN_ZONES.add(tz);
    return true;
  } catch {
    if (UNKNOWN_ZONES.size < MAX_REMEMBERED) UNKNOWN_ZONES.add(tz);
    return false;
  }
}

export const ScheduleWindow = z.object({
  days: z.array(Weekday).min(1, { message: 'name at least one day' }),
  start: HourMinute,
  end: HourMinute,
});
export type ScheduleWindow = z.infer<typeof ScheduleWindow>;

export const Schedule = z.object({
  tz: z.string().refine(isKnownTimeZone, { message: 'must be an IANA time zone such as Europe/London' }),
  windows: z.array(ScheduleWindow).min(1, { message: 'a schedule needs at least one window' }),
});
export type Schedule = z.infer<typeof Schedule>;

export const ZoneSchema = z
  .object({
    zoneId: ExternalId,
    subjectId: ExternalId,
    kind: z.enum(['exclusion', 'inclusion']),
    geometry: ZoneGeometry,
    radiusM: z.number().positive().max(1e6).optional(),
    warningM: z.number().min(0).max(1e5).optional(),
    schedule: Schedule.optional(),
    ...validityShape,
    severity: Severity.optional(),
    label: z.string().max(1024).optional(),
    version: z.number().int().min(0).optional(),
  })
  .superRefine((zone, ctx) => {
    if (zone.geometry.type === 'Point' && zone.radiusM === undefined) {
      ctx.addIssue({ code: 'custom', path: ['radiusM'], message: 'required when geometry is a Point' });
    }
    if (zone.kind === 'inclusion' && zone.warningM !== undefined && zone.warningM > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['warningM'],
        message: 'only exclusion zones have a warning ring',
      });
    }
    if (!validityIsOrdered(zone)) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be later than validFrom' });
    }
  });

export type Zone = z.infer<typeof ZoneSchema>;

export function defaultSeverity(zone: Pick<Zone, 'kind' | 'severity'>) {
  return zone.severity ?? (zone.kind === 'exclusion' ? 'P1' : 'P2');
}
