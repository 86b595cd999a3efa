import { afterEach, describe, expect, it } from 'vitest';
import { RoutingError, resolveRouting } from '../../src/notify/load-routing.js';
import { loadNotifyConfig } from '../../src/notify/notify-config.js';
import { decodeSecret, signatureHeader } from '../../src/notify/signature.js';
import { type RunningReceiver, startVerifyReceiver } from '../../src/notify/verify-receiver.js';
import { ConfigError } from '../../src/ops/index.js';

const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;

describe('notify configuration', () => {
  it('exits naming the variable: missing routes file, bad port, clashing topics', () => {
    const bad = (env: Record<string, string>) => {
      try {
        loadNotifyConfig(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).variable;
      }
      return 'none';
    };
    expect(bad({})).toBe('NOTIFY_ROUTES_FILE');
    expect(bad({ NOTIFY_ROUTES_FILE: 'r.json', NOTIFY_HTTP_PORT: 'x' })).toBe('NOTIFY_HTTP_PORT');
    expect(bad({ NOTIFY_ROUTES_FILE: 'r.json', TOPIC_NOTIFICATIONS: 'fenceline.alerts' })).toBe(
      'TOPIC_NOTIFICATIONS',
    );
    expect(loadNotifyConfig({ NOTIFY_ROUTES_FILE: 'r.json' }).http).toEqual({
      host: '127.0.0.1',
      port: 9465,
    });
  });

  it('names the secret field that is missing or malformed, never its value', () => {
    const file = (secrets: unknown[]) => ({
      consoleBaseUrl: 'https://c.example.org',
      endpoints: [{ name: 'met', url: 'https://met.example.org/h', secrets }],
      rules: [{ name: 'r', mode: 'immediate', endpoints: ['met'] }],
    });
    expect(() => resolveRouting(file([{ env: 'NOPE' }]), {})).toThrow(
      'endpoints[0].secrets[0].env: variable NOPE is not set',
    );
    const weak = 'whsec_c2hvcnQ=';
    try {
      resolveRouting(file([{ env: 'S1' }, { env: 'S2' }]), { S1: SECRET, S2: weak });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RoutingError);
      expect((err as Error).message).toMatch(
        /^endpoints\[0\]\.secrets\[1\]: secret must decode to at least 24 bytes/,
      );
      expect((err as Error).message).not.toContain('c2hvcnQ');
    }
    expect(resolveRouting(file([{ env: 'S1' }]), { S1: SECRET }).endpoints[0]!.keys).toHaveLength(1);
  });
});

describe('verify-receiver', () => {
  let r: RunningReceiver | undefined;
  afterEach(async () => {
    await r?.close();
  });

  it('accepts a signed CloudEvent once, answers 200 to a repeat, refuses bad signatures and stale timestamps', async () => {
    const printed: string[] = [];
    r = await startVerifyReceiver({
      host: '127.0.0.1',
      port: 0,
      secrets: [SECRET],
      print: (l) => printed.push(l),
    });
    const body = JSON.stringify({
      specversion: '1.0',
      id: 'msg_1',
      source: 'urn:test',
      type: 'uk.fenceline.alert.exclusion_entered',
      data: { alertType: 'EXCLUSION_ENTERED', incidentId: 'b-1', severity: 'P1' },
    });
    const post = (ts: number, sig?: string, id = 'msg_1') =>
      fetch(`http://127.0.0.1:${r!.port}/`, {
        method: 'POST',
        body,
        headers: {
          'webhook-id': id,
          'webhook-timestamp': String(ts),
          'webhook-signature': sig ?? signatureHeader([decodeSecret(SECRET)], id, ts, body),
        },
      }).then((res) => res.status);
    const now = Math.floor(Date.now() / 1000);
    expect(await post(now)).toBe(204);
    expect(await post(now)).toBe(200);
    expect(await post(now, 'v1,AAAA')).toBe(401);
    expect(await post(now - 600, undefined, 'msg_2')).toBe(401);
    expect(r.accepted).toBe(1);
    expect(r.duplicates).toBe(1);
    expect(JSON.parse(printed[0]!)).toMatchObject({
      webhookId: 'msg_1',
      alertType: 'EXCLUSION_ENTERED',
      duplicate: false,
    });
    const missing = await fetch(`http://127.0.0.1:${r.port}/`, { method: 'POST', body }).then(
      (res) => res.status,
    );
    expect(missing).toBe(400);
  });
});
