/**
 * Item 1: a commit that fails the same way twice in a row is "stuck" (metric, /readyz, error log).
 */
import { describe, expect, it } from 'vitest';
import { afterFailure, failureSignature, isStuck, NO_STREAK } from '../../src/stream/commit-streak.js';

describe('item 1: repeated commit failures', () => {
  it('is stuck after the same failure twice, not after two different ones', () => {
    const tooLarge = (n: number) =>
      failureSignature(
        new Error(`The request included a message larger than the max message size (correlation ${n})`),
      );
    let s = afterFailure(NO_STREAK, tooLarge(1));
    expect(isStuck(s)).toBe(false);
    s = afterFailure(s, tooLarge(2));
    expect(s.count).toBe(2);
    expect(isStuck(s)).toBe(true);
    const other = afterFailure(afterFailure(NO_STREAK, tooLarge(1)), failureSignature(new Error('timeout')));
    expect(isStuck(other)).toBe(false);
  });

  it('describes non-Error failures too', () => {
    expect(failureSignature('boom')).toBe('Error: boom');
  });
});
