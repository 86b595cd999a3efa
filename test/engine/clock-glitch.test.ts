/**
 * Issue 9, item 2 (clock glitches), the pure rule: given a fix and its record's timestamp, when
 * the fix's ts is more than the margin ahead of the reference time, then it is refused with a
 * reason; the reference is the append time on LogAppendTime topics and never later than now on
 * CreateTime topics.
 */
import { describe, expect, it } from 'vitest';
import { clockGlitch, referenceTime, TIMESTAMP_TYPE } from '../../src/engine/index.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 12);

describe('clock glitches', () => {
  it('refuses a fix more than the margin ahead of its append time, with the reason', () => {
    const append = NOW - 60 * MIN; // a catch-up: appended an hour ago
    const ref = referenceTime(append, TIMESTAMP_TYPE.logAppendTime, NOW);
    expect(ref).toBe(append);
    expect(clockGlitch(append + 10 * MIN, ref, 10 * MIN)).toBeUndefined();
    expect(clockGlitch(append + 11 * MIN, ref, 10 * MIN)).toMatch(/^ts: 660 s ahead .*margin 600 s/);
  });

  it('on CreateTime topics never trusts a producer timestamp later than now', () => {
    // The gateway stamped the record with the tag's own (glitched) ts.
    const glitched = NOW + 5 * 3600_000;
    const ref = referenceTime(glitched, TIMESTAMP_TYPE.createTime, NOW);
    expect(ref).toBe(NOW);
    expect(clockGlitch(glitched, ref, 10 * MIN)).toBeDefined();
    expect(referenceTime(NOW - MIN, TIMESTAMP_TYPE.createTime, NOW)).toBe(NOW - MIN);
  });

  it('falls back to now for a missing timestamp', () => {
    expect(referenceTime(-1, undefined, NOW)).toBe(NOW);
  });
});
