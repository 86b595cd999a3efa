import { describe, expect, it } from 'vitest';
import { simulateFleet } from '../../src/sim/fleet.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../../src/sim/sim-options.js';

function serialise(opts: SimOptions): string {
  const lines: string[] = [];
  for (const ev of simulateFleet(opts)) {
    if (ev.kind === 'pings') {
      for (const p of ev.pings) lines.push(`${ev.uploadAt} ${ev.key} ${JSON.stringify(p.ping)}`);
    } else if (ev.kind === 'truth') lines.push(JSON.stringify(ev.record));
    else lines.push(`${ev.kind} ${ev.key} ${JSON.stringify(ev.value)}`);
  }
  return lines.join('\n');
}

const small: SimOptions = { ...DEFAULT_SIM_OPTIONS, subjects: 60, durationH: 14, approachShare: 0.5 };

describe('simulateFleet determinism', () => {
  it('given the same options, when generated twice, then the output is byte-identical', () => {
    const a = serialise(small);
    const b = serialise(small);
    expect(a.length).toBeGreaterThan(10_000);
    expect(a).toBe(b);
  });

  it('given another seed, when generated, then the fleet differs', () => {
    expect(serialise({ ...small, subjects: 10, durationH: 2, seed: 2 })).not.toBe(
      serialise({ ...small, subjects: 10, durationH: 2 }),
    );
  });

  it('given more subjects, when generated, then the first subjects keep their zones (per-subject streams)', () => {
    const zonesOf = (opts: SimOptions) => {
      const out: string[] = [];
      for (const ev of simulateFleet({ ...opts, durationH: 0.1 }))
        if (ev.kind === 'zone') out.push(JSON.stringify(ev.value));
      return out;
    };
    const few = zonesOf({ ...small, subjects: 5 });
    const many = zonesOf({ ...small, subjects: 20 });
    expect(many.slice(0, few.length)).toEqual(few);
  });

  it('given a run, then uploads come in time order and each tag uploads its pings in ts order, after taking them', () => {
    let lastUpload = Number.NEGATIVE_INFINITY;
    const lastTs = new Map<string, number>();
    let batches = 0;
    for (const ev of simulateFleet({ ...small, durationH: 3 })) {
      if (ev.kind !== 'pings') continue;
      batches++;
      expect(ev.uploadAt).toBeGreaterThanOrEqual(lastUpload);
      lastUpload = ev.uploadAt;
      for (const p of ev.pings) {
        expect(p.ping.tagId).toBe(ev.key);
        expect(p.ping.ts).toBeGreaterThan(lastTs.get(ev.key) ?? Number.NEGATIVE_INFINITY);
        expect(p.ping.ts).toBeLessThan(ev.uploadAt);
        // Store-and-forward buffers at most 10 minutes.
        expect(ev.uploadAt - p.ping.ts).toBeLessThanOrEqual(10 * 60_000);
        lastTs.set(ev.key, p.ping.ts);
      }
    }
    expect(batches).toBeGreaterThan(100);
  });
});
