import { describe, expect, it } from 'vitest';
import { EndpointQueue } from '../../src/notify/endpoint-queue.js';

describe('EndpointQueue', () => {
  it('runs at most maxInFlight at once, in order, and a cleared waiter never runs', async () => {
    const q = new EndpointQueue(2);
    const release: Array<() => void> = [];
    const started: number[] = [];
    const task = (n: number) => () =>
      new Promise<number>((resolve) => {
        started.push(n);
        release.push(() => resolve(n));
      });
    const runs = [1, 2, 3, 4].map((n) => q.run(task(n)));
    await Promise.resolve();
    expect(started).toEqual([1, 2]);
    expect(q.depth).toBe(2);
    release.shift()!();
    await runs[0];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([1, 2, 3]);
    q.clear();
    expect(await runs[3]).toBeUndefined();
    release.shift()!();
    release.shift()!();
    expect(await Promise.all(runs.slice(0, 3))).toEqual([1, 2, 3]);
    expect(started).toEqual([1, 2, 3]);
    expect(q.active).toBe(0);
  });
});
