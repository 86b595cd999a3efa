import { z } from 'zod';
import { EpochMs } from './primitives.js';

/**
 * The notifier's ledger, one record per delivery attempt or outcome on the notifications topic
 * (key: notificationId). `notificationId` is the Standard Webhooks `webhook-id`: derived from the
 * alert and the endpoint, so every retry and every redelivery after a crash carries the same id.
 *
 * Outcomes:
 * - `delivered`: a 2xx answered this attempt; nothing more will be sent for this id.
 * - `retrying`: this attempt failed; another is due at `nextAttemptAt`.
 * - `exhausted`: the retry schedule ran out. A person must phone the force (the console raises it
 *   as P1 on the incident).
 * - `endpoint_disabled`: the endpoint answered 410 Gone (or was disabled earlier); nothing more is
 *   sent to it. Also needs a person.
 */
export const NOTIFICATION_OUTCOMES = ['delivered', 'retrying', 'exhausted', 'endpoint_disabled'] as const;
export const NotificationOutcome = z.enum(NOTIFICATION_OUTCOMES);
export type NotificationOutcome = z.infer<typeof NotificationOutcome>;

/** Outcomes after which a human must take over. */
export const NOTIFICATION_FAILED_OUTCOMES: readonly NotificationOutcome[] = [
  'exhausted',
  'endpoint_disabled',
];

/** Why the alert was routed to the endpoint. */
export const NOTIFICATION_REASONS = ['rule', 'escalation', 'follow_up'] as const;
export const NotificationReason = z.enum(NOTIFICATION_REASONS);

export const NotificationRecordSchema = z.object({
  notificationId: z.string().min(1).max(256),
  alertId: z.string().min(1).max(1024),
  incidentId: z.string().min(1).max(1024),
  /** The endpoint's configured name (never its URL or secret). */
  endpoint: z.string().min(1).max(128),
  reason: NotificationReason,
  /** The escalation's actionId when reason is `escalation`. */
  actionId: z.string().min(1).max(128).optional(),
  /** 1 for the first attempt. */
  attempt: z.number().int().min(1),
  at: EpochMs,
  outcome: NotificationOutcome,
  /** HTTP status of this attempt, when one came back. */
  status: z.number().int().min(100).max(599).optional(),
  /** Short error text (timeout, connection reset); never a body, a URL or a secret. */
  error: z.string().max(512).optional(),
  nextAttemptAt: EpochMs.optional(),
});
export type NotificationRecord = z.infer<typeof NotificationRecordSchema>;
