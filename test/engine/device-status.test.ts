/** Device status (strap, battery), NO_SIGNAL / SIGNAL_RESTORED, and unenrolled tags. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_CONFIG, encodeTagState } from '../../src/engine/index.js';
import { circle, Harness, SINGLE_FIX, sec, TAG } from './engine-fixtures.js';

const zones = [circle('home', 100)];

describe('strap', () => {
  it.each([
    { name: 'tampered with nothing known before', straps: ['tampered'], expected: [0] },
    { name: 'ok then tampered', straps: ['ok', 'tampered'], expected: [1] },
    { name: 'tampered reported repeatedly', straps: ['tampered', 'tampered', 'tampered'], expected: [0] },
    { name: 'tampered, ok, tampered (re-armed)', straps: ['tampered', 'ok', 'tampered'], expected: [0, 2] },
    { name: 'ok only', straps: ['ok', 'ok'], expected: [] },
  ])('given $name, then STRAP_TAMPER at pings $expected', ({ straps, expected }) => {
    const h = new Harness(zones, SINGLE_FIX);
    straps.forEach((strap, i) => {
      expect(h.ping({ tagId: TAG, ts: sec(i * 60), strap: strap as 'ok' | 'tampered' })).toBe('status');
    });
    expect(h.alerts.map((a) => [a.type, a.severity, a.ts])).toEqual(
      expected.map((i) => ['STRAP_TAMPER', 'P1', sec(i * 60)]),
    );
  });

  it('a late status (older than the last strap seen) changes nothing', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.ping({ tagId: TAG, ts: sec(120), strap: 'ok' });
    h.ping({ tagId: TAG, ts: sec(60), strap: 'tampered' });
    expect(h.alerts).toEqual([]);
    expect(h.state.strap).toBe('ok');
  });

  it('a ping with a fix and a tamper raises both, the tamper carrying the fix position', () => {
    const h = new Harness(zones, SINGLE_FIX);
    expect(h.fix(0, 0, { acc: 10, strap: 'tampered' })).toBe('applied');
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'STRAP_TAMPER']);
    const tamper = h.alerts[1]!;
    expect(Object.keys(tamper)).toEqual([
      'alertId',
      'type',
      'severity',
      'subjectId',
      'tagId',
      'ts',
      'emittedAt',
      'lat',
      'lon',
      'accuracyM',
    ]);
    expect(tamper.alertId).toBe(`STRAP_TAMPER|t1|-|${sec(0)}`);
  });
});

describe('battery', () => {
  it('LOW_BATTERY once until it recovers to threshold + 0.05, then again', () => {
    const h = new Harness(zones, SINGLE_FIX);
    const levels = [0.5, 0.14, 0.1, 0.16, 0.19, 0.12, 0.2, 0.3, 0.149];
    levels.forEach((battery, i) => {
      h.ping({ tagId: TAG, ts: sec(i * 60), battery });
    });
    expect(h.alerts.map((a) => [a.type, a.severity, a.ts])).toEqual([
      ['LOW_BATTERY', 'P3', sec(60)],
      ['LOW_BATTERY', 'P3', sec(480)],
    ]);
  });

  it('exactly at the threshold is not low', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.ping({ tagId: TAG, ts: sec(0), battery: DEFAULT_ENGINE_CONFIG.lowBatteryThreshold });
    expect(h.alerts).toEqual([]);
  });
});

describe('NO_SIGNAL', () => {
  const after = DEFAULT_ENGINE_CONFIG.noSignalAfterS * 1000;

  it('once per silence, at the last fix ts, then SIGNAL_RESTORED with the same breachId', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 1000, { arrivedAt: sec(5) });
    expect(h.sweep(sec(5) + after - 1)).toBe(false);
    expect(h.sweep(sec(5) + after)).toBe(true);
    expect(h.sweep(sec(5) + after + 60_000)).toBe(false);
    h.ping({ tagId: TAG, ts: sec(1000) }); // a heartbeat is not a fix
    expect(h.sweep(sec(5) + 2 * after)).toBe(false);
    expect(h.fix(2000, 1000)).toBe('applied');
    expect(h.alerts.map((a) => [a.type, a.severity, a.ts, a.emittedAt])).toEqual([
      ['NO_SIGNAL', 'P1', sec(0), sec(5) + after],
      ['SIGNAL_RESTORED', 'P3', sec(2000), sec(2000)],
    ]);
    expect(h.alerts[0]!.alertId).toBe(`NO_SIGNAL|t1|-|${sec(0)}`);
    expect(h.alerts[1]!.breachId).toBe(h.alerts[0]!.breachId);
    // a second silence is a second alert
    expect(h.sweep(sec(2000) + after)).toBe(true);
    expect(h.alerts[2]).toMatchObject({ type: 'NO_SIGNAL', ts: sec(2000) });
  });

  it('an outlier or a late fix is not an accepted in-order fix: the silence stays open', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 1000);
    h.fix(600, 1000);
    h.sweep(sec(600) + after);
    h.fix(700, 100_000); // outlier
    h.fix(300, 1000); // late
    expect(h.types()).toEqual(['NO_SIGNAL']);
  });

  it('never for a tag without fixes, an unenrolled tag, or an enrolment that has ended', () => {
    expect(new Harness(zones, SINGLE_FIX).sweep(sec(100_000))).toBe(false);
    const ended = new Harness(zones, SINGLE_FIX, { tagId: TAG, subjectId: 's1', validTo: sec(600) });
    ended.fix(0, 1000);
    expect(ended.sweep(sec(600) + after)).toBe(false);
    const removed = new Harness(zones, SINGLE_FIX);
    removed.fix(0, 1000);
    removed.world.enrolments.remove(TAG);
    expect(removed.sweep(sec(0) + after)).toBe(false);
  });
});

describe('unenrolled tags', () => {
  it('raise nothing and change nothing, even inside an exclusion zone with a tampered strap', () => {
    const h = new Harness(zones, SINGLE_FIX, null);
    const before = encodeTagState(h.state);
    expect(h.fix(0, 0, { acc: 10, strap: 'tampered', battery: 0.01 })).toBe('unenrolled');
    expect(h.ping({ tagId: TAG, ts: sec(60), strap: 'tampered' })).toBe('unenrolled');
    expect(h.alerts).toEqual([]);
    expect(encodeTagState(h.state)).toBe(before);
  });

  it('heartbeats are reported as such', () => {
    const h = new Harness(zones, SINGLE_FIX);
    expect(h.ping({ tagId: TAG, ts: sec(0) })).toBe('heartbeat');
  });

  it('a ping for another tag is a programming error', () => {
    const h = new Harness(zones, SINGLE_FIX);
    expect(() => h.ping({ tagId: 'other', ts: sec(0) })).toThrow(/other/);
  });
});
