import { z } from 'zod';
import { EpochMs, ExternalId, Latitude, Longitude, Severity, TagId } from './primitives.js';

export const ALERT_TYPES = [
  'EXCLUSION_ENTERED',
  'EXCLUSION_EXITED',
  'EXCLUSION_APPROACH',
  'INCLUSION_LEFT',
  'INCLUSION_RETURNED',
  'NO_SIGNAL',
  'SIGNAL_RESTORED',
  'STRAP_TAMPER',
  'LOW_BATTERY',
  // Operational (contract addition, faults-b): a zone or enrolment record was rejected; the
  // version in force before it (if any) keeps protecting. Deterministic alertId per record.
  'CONFIG_REJECTED',
] as const;
export const AlertType = z.enum(ALERT_TYPES);
export type AlertType = z.infer<typeof AlertType>;

export const EvidenceFix = z.object({
  ts: EpochMs,
  lat: Latitude,
  lon: Longitude,
  accuracyM: z.number().positive(),
});
export type EvidenceFix = z.infer<typeof EvidenceFix>;

export const AlertSchema = z.object({
  alertId: z.string().min(1),
  type: AlertType,
  severity: Severity,
  subjectId: ExternalId,
  tagId: TagId,
  zoneId: ExternalId.optional(),
  zoneVersion: z.number().int().optional(),
  breachId: z.string().optional(),
  ts: EpochMs,
  emittedAt: EpochMs,
  lat: Latitude.optional(),
  lon: Longitude.optional(),
  accuracyM: z.number().positive().optional(),
  distanceM: z.number().optional(),
  certainty: z.enum(['confirmed', 'possible']).optional(),
  /**
   * Confirmation rule 1.1: the evidence score (natural-log odds that the subject is on the
   * violating side) when an ENTERED/LEFT was raised. Absent under the 'single-fix' rule.
   */
  score: z.number().nonnegative().optional(),
  late: z.boolean().optional(),
  evidence: z.array(EvidenceFix).optional(),
  /** CONFIG_REJECTED only: the field and limit or rule broken; never the record's content. */
  reason: z.string().max(1024).optional(),
});
export type Alert = z.infer<typeof AlertSchema>;
