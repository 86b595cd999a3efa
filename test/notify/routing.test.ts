import { describe, expect, it } from 'vitest';
import { initialRouterState, routeAction, routeAlert } from '../../src/notify/routing.js';
import { parseRoutingFile } from '../../src/notify/routing-config.js';
import { alert, escalation, routing, T0 } from './notify-fixtures.js';

const pairs = (ds: { endpoint: string; reason: string; alert: { alertId: string } }[]) =>
  ds.map((d) => `${d.alert.alertId}>${d.endpoint}:${d.reason}`);

describe('routing file', () => {
  it('names the field of a bad URL, a missing endpoint and a bad rule mode', () => {
    const r = parseRoutingFile({
      consoleBaseUrl: 'https://c.example.org',
      endpoints: [{ name: 'met', url: 'http://met.example.org/hook', secrets: [{ env: 'X' }] }],
      rules: [{ name: 'r', mode: 'sometimes', endpoints: ['kent'] }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain('endpoints[0].url: must use https');
    expect(r.error).toContain('rules[0].mode');
  });

  it('refuses a rule naming an unknown endpoint, by path', () => {
    const r = parseRoutingFile({
      consoleBaseUrl: 'https://c.example.org',
      endpoints: [{ name: 'met', url: 'https://met.example.org/hook', secrets: [{ env: 'X' }] }],
      rules: [{ name: 'r', mode: 'immediate', endpoints: ['met', 'kent'] }],
    });
    expect(r.ok ? '' : r.error).toBe('rules[0].endpoints[1]: no endpoint is named kent');
  });

  it('allows plain http only for loopback, and no credentials in URLs', () => {
    const base = {
      consoleBaseUrl: 'https://c.example.org',
      rules: [{ name: 'r', mode: 'immediate', endpoints: ['e'] }],
    };
    const ok = (url: string) =>
      parseRoutingFile({ ...base, endpoints: [{ name: 'e', url, secrets: [{ env: 'X' }] }] }).ok;
    expect(ok('http://127.0.0.1:8080/x')).toBe(true);
    expect(ok('http://localhost/x')).toBe(true);
    expect(ok('http://10.0.0.1/x')).toBe(false);
    expect(ok('https://user:pw@force.example.org/x')).toBe(false);
    expect(ok('ftp://force.example.org/x')).toBe(false);
  });

  it('fills the issue default retry schedule', () => {
    const r = routing();
    expect(r.retry.delaysMs).toEqual([2_000, 10_000, 30_000, 60_000, 120_000, 300_000]);
    expect(r.retry.timeoutMs).toBe(10_000);
  });
});

describe('routing', () => {
  const rules = routing().rules;

  it('given an immediate rule, when a confirmed P1 entry arrives, then it goes to that endpoint at once', () => {
    const s = initialRouterState();
    expect(pairs(routeAlert(s, rules, alert()))).toEqual(['a-1>met:rule']);
  });

  it('given the rule wants confirmed, when a possible entry arrives, then nothing is routed', () => {
    const s = initialRouterState();
    expect(routeAlert(s, rules, alert({ certainty: 'possible' }))).toEqual([]);
  });

  it('given an entry was sent, when its EXITED arrives, then it follows to the same endpoint', () => {
    const s = initialRouterState();
    routeAlert(s, rules, alert());
    const exit = alert({ alertId: 'a-2', type: 'EXCLUSION_EXITED', severity: 'P2', certainty: undefined });
    expect(pairs(routeAlert(s, rules, exit))).toEqual(['a-2>met:follow_up']);
  });

  it('given an entry nobody was sent, when its EXITED arrives, then nothing is routed', () => {
    const s = initialRouterState();
    routeAlert(s, rules, alert({ certainty: 'possible' }));
    expect(routeAlert(s, rules, alert({ alertId: 'a-2', type: 'EXCLUSION_EXITED' }))).toEqual([]);
  });

  it('given an incident, when an operator escalates it, then all its alerts go to the escalation endpoints', () => {
    const s = initialRouterState();
    routeAlert(s, rules, alert());
    routeAlert(s, rules, alert({ alertId: 'a-2', type: 'EXCLUSION_EXITED' }));
    const ds = routeAction(s, rules, escalation());
    expect(pairs(ds)).toEqual(['a-1>kent:escalation', 'a-2>kent:escalation']);
    expect(ds.every((d) => d.actionId === 'act-1' && d.triggeredAt === T0 + 60_000)).toBe(true);
    // The same escalation replayed, or a second one, sends nothing again.
    expect(routeAction(s, rules, escalation())).toEqual([]);
    expect(routeAction(s, rules, escalation({ actionId: 'act-2' }))).toEqual([]);
  });

  it('given an escalation read before its alert, when the alert arrives, then it is delivered then', () => {
    const s = initialRouterState();
    expect(routeAction(s, rules, escalation())).toEqual([]);
    expect(pairs(routeAlert(s, rules, alert()))).toEqual(['a-1>met:rule', 'a-1>kent:escalation']);
  });

  it('given an escalated incident, when its closer arrives, then it follows to every endpoint', () => {
    const s = initialRouterState();
    routeAlert(s, rules, alert());
    routeAction(s, rules, escalation());
    const ds = routeAlert(s, rules, alert({ alertId: 'a-2', type: 'EXCLUSION_EXITED' }));
    expect(pairs(ds).sort()).toEqual(['a-2>kent:follow_up', 'a-2>met:follow_up']);
  });

  it('ignores non-escalate actions and replayed alerts', () => {
    const s = initialRouterState();
    routeAlert(s, rules, alert());
    expect(routeAlert(s, rules, alert())).toEqual([]);
    expect(routeAction(s, rules, escalation({ kind: 'acknowledge' }))).toEqual([]);
  });

  it('matches subject, zone and area (a force area as a lat/lon box)', () => {
    const r = routing({
      rules: [
        {
          name: 'area',
          mode: 'immediate',
          endpoints: ['kent'],
          match: {
            area: { minLat: 51, maxLat: 52, minLon: -1, maxLon: 0 },
            subjects: ['S-1'],
            zones: ['Z-1'],
          },
        },
      ],
    }).rules;
    expect(pairs(routeAlert(initialRouterState(), r, alert()))).toEqual(['a-1>kent:rule']);
    expect(routeAlert(initialRouterState(), r, alert({ lat: 53 }))).toEqual([]);
    expect(routeAlert(initialRouterState(), r, alert({ subjectId: 'S-2' }))).toEqual([]);
    expect(routeAlert(initialRouterState(), r, alert({ zoneId: undefined }))).toEqual([]);
  });
});
