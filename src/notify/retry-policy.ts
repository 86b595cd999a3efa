/**
 * What happens after an attempt: delivered, give up, or try again after how long. Pure: the
 * attempt's result, the policy and a random number in [0, 1) in; a decision out.
 *
 * Billing webhooks (Svix, Stripe) wait minutes to hours between tries. A breach cannot: the
 * schedule is front-loaded at second scale (at once, 2 s, 10 s, 30 s, 1 min, 2 min, 5 min), then
 * every 5 minutes for an hour, and then a person takes over (the `exhausted` record).
 */
import type { RetryPolicy } from './routing-config.js';

export type AttemptResult =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfterMs?: number | undefined }
  | { readonly kind: 'error'; readonly error: string };

export type AttemptDecision =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'endpoint_disabled' }
  | { readonly outcome: 'exhausted' }
  | { readonly outcome: 'retrying'; readonly delayMs: number };

/**
 * The wait before attempt `next` (2, 3, ...), before jitter; undefined when the schedule has no
 * such attempt.
 */
export function scheduledDelayMs(policy: RetryPolicy, next: number): number | undefined {
  if (next < 2) return 0;
  const i = next - 2;
  if (i < policy.delaysMs.length) return policy.delaysMs[i];
  const repeats = i - policy.delaysMs.length + 1;
  return repeats * policy.repeatEveryMs <= policy.repeatForMs ? policy.repeatEveryMs : undefined;
}

/** How many attempts the policy allows in all. */
export function maxAttempts(policy: RetryPolicy): number {
  return 1 + policy.delaysMs.length + Math.floor(policy.repeatForMs / policy.repeatEveryMs);
}

/** Scale by a factor in [1 - jitter, 1 + jitter], so endpoints recovering together are not stampeded. */
export function withJitter(delayMs: number, jitter: number, random: number): number {
  return Math.max(0, Math.round(delayMs * (1 + jitter * (2 * random - 1))));
}

/** 2xx delivered; 410 Gone disables the endpoint; anything else (3xx included: no redirects) is a failure. */
export function decideAfterAttempt(
  policy: RetryPolicy,
  attempt: number,
  result: AttemptResult,
  random: number,
): AttemptDecision {
  if (result.kind === 'response') {
    if (result.status >= 200 && result.status < 300) return { outcome: 'delivered' };
    if (result.status === 410) return { outcome: 'endpoint_disabled' };
  }
  const base = scheduledDelayMs(policy, attempt + 1);
  if (base === undefined) return { outcome: 'exhausted' };
  let delayMs = withJitter(base, policy.jitter, random);
  // Retry-After is honoured as a floor: we never come back sooner than the endpoint asked,
  // but never later than maxRetryAfterMs either.
  if (result.kind === 'response' && result.retryAfterMs !== undefined) {
    delayMs = Math.max(delayMs, Math.min(result.retryAfterMs, policy.maxRetryAfterMs));
  }
  return { outcome: 'retrying', delayMs };
}

/**
 * Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). `now` is passed in;
 * an unparseable or negative value is ignored (undefined).
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
