import { z } from 'zod';
import { EpochMs } from './primitives.js';

/**
 * An operator's action on an incident, one record on the alert-actions topic (key: incidentId).
 * The topic is the audit trail: an incident changes only through a record here, and every
 * consumer folds the same records to the same state. `actionId` is chosen by the console once per
 * request, so a retried or replayed record is applied once.
 */
export const ALERT_ACTION_KINDS = ['acknowledge', 'note', 'escalate', 'close', 'reopen'] as const;
export const AlertActionKind = z.enum(ALERT_ACTION_KINDS);
export type AlertActionKind = z.infer<typeof AlertActionKind>;

export const CLOSE_OUTCOMES = [
  'genuine_breach',
  'false_alarm_gps',
  'false_alarm_other',
  'equipment_fault',
  'test',
] as const;
export const CloseOutcome = z.enum(CLOSE_OUTCOMES);
export type CloseOutcome = z.infer<typeof CloseOutcome>;

export const CONSOLE_ROLES = ['operator', 'supervisor', 'auditor'] as const;
export const ConsoleRole = z.enum(CONSOLE_ROLES);
export type ConsoleRole = z.infer<typeof ConsoleRole>;

export const AlertActionSchema = z
  .object({
    actionId: z.string().min(1).max(128),
    incidentId: z.string().min(1).max(1024),
    kind: AlertActionKind,
    /** Who acted (login name) and with which role. */
    user: z.string().min(1).max(128),
    role: ConsoleRole,
    /** When the console accepted the action (wall clock of the console, ms). */
    at: EpochMs,
    /** Free text. Required to close a STRAP_TAMPER incident; optional otherwise. Never logged. */
    note: z.string().max(4000).optional(),
    /** Required with `close`. */
    outcome: CloseOutcome.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.kind === 'close' && a.outcome === undefined) {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'required when kind is close' });
    }
    if (a.kind !== 'close' && a.outcome !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'only a close has an outcome' });
    }
    if (a.kind === 'note' && (a.note === undefined || a.note.trim() === '')) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'required when kind is note' });
    }
  });
export type AlertAction = z.infer<typeof AlertActionSchema>;
