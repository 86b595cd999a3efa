import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { NotificationRecord } from '../../src/contract/index.js';
import { buildAlertEvent } from '../../src/notify/event-body.js';
import {
  foldLedgerRecord,
  IllegalDeliveryMove,
  initialLedgerState,
  nextStatus,
  pendingIds,
  resumeFor,
} from '../../src/notify/ledger-fold.js';
import {
  decideAfterAttempt,
  maxAttempts,
  parseRetryAfter,
  scheduledDelayMs,
  withJitter,
} from '../../src/notify/retry-policy.js';
import { decodeSecret, SecretFormatError, signatureHeader } from '../../src/notify/signature.js';
import { webhookIdOf } from '../../src/notify/webhook-id.js';
import { alert, routing, T0 } from './notify-fixtures.js';

const policy = routing().retry;

describe('retry policy', () => {
  it('front-loads: at once, 2 s, 10 s, 30 s, 1 min, 2 min, 5 min, then every 5 min for an hour', () => {
    const delays = [];
    for (let n = 2; scheduledDelayMs(policy, n) !== undefined; n++) delays.push(scheduledDelayMs(policy, n));
    expect(delays.slice(0, 7)).toEqual([2_000, 10_000, 30_000, 60_000, 120_000, 300_000, 300_000]);
    expect(delays.filter((d) => d === 300_000)).toHaveLength(13);
    expect(maxAttempts(policy)).toBe(delays.length + 1);
  });

  it('given a 2xx, then delivered; given 410, then the endpoint is disabled', () => {
    expect(decideAfterAttempt(policy, 1, { kind: 'response', status: 204 }, 0.5).outcome).toBe('delivered');
    expect(decideAfterAttempt(policy, 3, { kind: 'response', status: 410 }, 0.5).outcome).toBe(
      'endpoint_disabled',
    );
  });

  it('given a 500 or a timeout, then retry after the scheduled delay with jitter; redirects are failures', () => {
    expect(decideAfterAttempt(policy, 1, { kind: 'response', status: 500 }, 0.5)).toEqual({
      outcome: 'retrying',
      delayMs: 2_000,
    });
    expect(decideAfterAttempt(policy, 2, { kind: 'error', error: 'timeout' }, 0)).toEqual({
      outcome: 'retrying',
      delayMs: 8_000,
    });
    expect(decideAfterAttempt(policy, 1, { kind: 'response', status: 302 }, 0.5).outcome).toBe('retrying');
    expect(withJitter(10_000, 0.2, 0.999)).toBeLessThanOrEqual(12_000);
  });

  it('honours Retry-After as a floor, capped at maxRetryAfterMs', () => {
    const r429 = (ms: number) => ({ kind: 'response' as const, status: 429, retryAfterMs: ms });
    expect(decideAfterAttempt(policy, 1, r429(7_000), 0.5)).toEqual({ outcome: 'retrying', delayMs: 7_000 });
    expect(decideAfterAttempt(policy, 1, r429(500), 0.5)).toEqual({ outcome: 'retrying', delayMs: 2_000 });
    expect(decideAfterAttempt(policy, 1, r429(86_400_000), 0.5)).toEqual({
      outcome: 'retrying',
      delayMs: policy.maxRetryAfterMs,
    });
  });

  it('given the last attempt failed, then exhausted', () => {
    const last = maxAttempts(policy);
    expect(decideAfterAttempt(policy, last, { kind: 'response', status: 503 }, 0.5).outcome).toBe(
      'exhausted',
    );
    expect(decideAfterAttempt(policy, last - 1, { kind: 'response', status: 503 }, 0.5).outcome).toBe(
      'retrying',
    );
  });

  it('parses Retry-After seconds and HTTP dates, ignores junk', () => {
    expect(parseRetryAfter('3', T0)).toBe(3_000);
    expect(parseRetryAfter(new Date(T0 + 5_000).toUTCString(), T0)).toBe(5_000);
    expect(parseRetryAfter('soon', T0)).toBeUndefined();
    expect(parseRetryAfter(undefined, T0)).toBeUndefined();
  });
});

describe('webhook id and signature', () => {
  it('is stable per (alert, endpoint) and differs across endpoints', () => {
    expect(webhookIdOf('a-1', 'met')).toBe(webhookIdOf('a-1', 'met'));
    expect(webhookIdOf('a-1', 'met')).not.toBe(webhookIdOf('a-1', 'kent'));
    expect(webhookIdOf('a-1', 'met')).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
  });

  it('signs so that the standardwebhooks package verifies with either rotated key', () => {
    const oldSecret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const newSecret = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
    const id = webhookIdOf('a-1', 'met');
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ hello: 'force' });
    const header = signatureHeader([decodeSecret(oldSecret), decodeSecret(newSecret)], id, ts, body);
    expect(header.split(' ')).toHaveLength(2);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': header };
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual({ hello: 'force' });
    expect(new Webhook(newSecret).verify(body, headers)).toEqual({ hello: 'force' });
    const other = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    expect(() => new Webhook(other).verify(body, headers)).toThrow();
    expect(() => new Webhook(oldSecret).verify(`${body} `, headers)).toThrow();
  });

  it('refuses a malformed secret without echoing it', () => {
    for (const bad of ['secret-abc', 'whsec_!!!', `whsec_${Buffer.alloc(8).toString('base64')}`]) {
      try {
        decodeSecret(bad);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(SecretFormatError);
        expect((err as Error).message).not.toContain(bad);
      }
    }
  });
});

describe('CloudEvents body', () => {
  it('carries the allow-listed fields and the incident link, never a label or geometry', () => {
    const smuggled = {
      ...alert(),
      label: '12 Acacia Avenue',
      geometry: { type: 'Point', coordinates: [-0.1, 51.5] },
      evidence: [{ ts: T0, lat: 51.4, lon: -0.2, accuracyM: 5 }],
    };
    const event = buildAlertEvent(smuggled, {
      webhookId: 'msg_x',
      incidentId: 'b-1',
      reason: 'rule',
      source: 'urn:fenceline:notify',
      consoleBaseUrl: 'https://console.example.org/',
    });
    expect(event).toMatchObject({
      specversion: '1.0',
      id: 'msg_x',
      type: 'uk.fenceline.alert.exclusion_entered',
    });
    expect(event.data).toMatchObject({
      alertType: 'EXCLUSION_ENTERED',
      severity: 'P1',
      certainty: 'confirmed',
      subjectId: 'S-1',
      zoneId: 'Z-1',
      fix: { lat: 51.501234, lon: -0.141234, accuracyM: 8 },
      incidentUrl: 'https://console.example.org/incidents/b-1',
    });
    const text = JSON.stringify(event);
    expect(text).not.toContain('Acacia');
    expect(text).not.toContain('geometry');
    expect(text).not.toContain('evidence');
    expect(text).not.toContain('51.4');
  });
});

describe('ledger fold', () => {
  const rec = (over: Partial<NotificationRecord>): NotificationRecord => ({
    notificationId: 'msg_1',
    alertId: 'a-1',
    incidentId: 'b-1',
    endpoint: 'met',
    reason: 'rule',
    attempt: 1,
    at: T0,
    outcome: 'retrying',
    nextAttemptAt: T0 + 2_000,
    ...over,
  });

  it('given attempts that failed, then the next attempt is owed at nextAttemptAt', () => {
    const s = initialLedgerState();
    foldLedgerRecord(s, rec({}));
    foldLedgerRecord(s, rec({ attempt: 2, nextAttemptAt: T0 + 12_000 }));
    expect(resumeFor(s, 'msg_1')).toEqual({ kind: 'continue', attempt: 3, dueAt: T0 + 12_000 });
    expect(pendingIds(s)).toEqual(['msg_1']);
    expect(resumeFor(s, 'msg_2')).toEqual({ kind: 'start' });
  });

  it('given delivered, then finished, and a later stray record is ignored (illegal move)', () => {
    const s = initialLedgerState();
    foldLedgerRecord(s, rec({}));
    foldLedgerRecord(s, rec({ attempt: 2, outcome: 'delivered', status: 200, nextAttemptAt: undefined }));
    foldLedgerRecord(s, rec({ attempt: 3 }));
    expect(resumeFor(s, 'msg_1')).toEqual({ kind: 'finished', status: 'delivered' });
    expect(s.ignored).toBe(1);
    expect(pendingIds(s)).toEqual([]);
  });

  it('the move table throws on an illegal move', () => {
    expect(() => nextStatus('exhausted', 'retrying')).toThrow(IllegalDeliveryMove);
    expect(nextStatus('new', 'endpoint_disabled')).toBe('endpoint_disabled');
  });
});
