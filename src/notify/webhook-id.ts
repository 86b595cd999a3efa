/**
 * The Standard Webhooks `webhook-id`, which is also the CloudEvents `id` and the ledger's key.
 *
 * Derived from the (alert, endpoint) pair alone, so every retry, every redelivery after a crash
 * and every re-derivation by a restarted notifier carries the same id: it is the receiver's
 * idempotency key. A hash, not the raw ids, so the header has a fixed length and character set
 * whatever the subject and zone ids contain.
 */
import { createHash } from 'node:crypto';

export function webhookIdOf(alertId: string, endpoint: string): string {
  const digest = createHash('sha256').update(alertId).update('\u0000').update(endpoint).digest('base64url');
  return `msg_${digest.slice(0, 32)}`;
}
