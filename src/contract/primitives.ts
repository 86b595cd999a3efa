import { z } from 'zod';

/** Integer milliseconds since the Unix epoch (UTC). Safe-integer so arithmetic on it stays exact. */
export const EpochMs = z.number().int().min(-8.64e15).max(8.64e15);

/** Tag ids travel as Kafka keys and land in alert ids, so the character set is closed. */
export const TagId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]*$/, { message: 'may contain only A-Z a-z 0-9 . _ : -' });

/** Ids chosen by other systems (zones, subjects): any non-empty string of sane length. */
export const ExternalId = z.string().min(1).max(256);

export const Latitude = z.number().min(-90).max(90);
export const Longitude = z.number().min(-180).max(180);

export const Severity = z.enum(['P1', 'P2', 'P3']);
export type Severity = z.infer<typeof Severity>;

/** A validity window, as zones and enrolments carry it: applies when validFrom <= ts < validTo. */
export const validityShape = {
  validFrom: EpochMs.optional(),
  validTo: EpochMs.optional(),
};

export function validityIsOrdered(v: { validFrom?: number | undefined; validTo?: number | undefined }) {
  return v.validFrom === undefined || v.validTo === undefined || v.validFrom < v.validTo;
}
