import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { CommitPipeline } from '../../src/stream/commit-pipeline.js';
import { mergeOutputs } from '../../src/stream/output-merge.js';
import type { PartitionOutputs } from '../../src/stream/output-sends.js';

const msg = (key: string, value: string | null): Message => ({ key, value });
const out = (
  alerts: string[],
  changelog: Array<[string, string | null]> = [],
  dlq: string[] = [],
): PartitionOutputs => ({
  alerts: alerts.map((a) => msg('s', a)),
  dlq: dlq.map((d) => msg('t', d)),
  changelog: changelog.map(([k, v]) => msg(k, v)),
});

/** A commit function whose transactions the test ends one by one. */
function controlledCommits() {
  const calls: Array<{ outputs: PartitionOutputs; nextOffset: bigint; end: (ok: boolean | Error) => void }> =
    [];
  const fn = (outputs: PartitionOutputs, nextOffset: bigint) =>
    new Promise<boolean>((resolve, reject) => {
      calls.push({ outputs, nextOffset, end: (ok) => (ok instanceof Error ? reject(ok) : resolve(ok)) });
    });
  return { calls, fn };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('mergeOutputs', () => {
  it('keeps alerts and DLQ records in order and only the later state of a tag', () => {
    const merged = mergeOutputs(
      out(
        ['a1'],
        [
          ['tag-1', 'v1'],
          ['tag-2', 'v1'],
        ],
        ['d1'],
      ),
      out(
        ['a2', 'a3'],
        [
          ['tag-1', 'v2'],
          ['tag-3', null],
        ],
        ['d2'],
      ),
    );
    expect(merged.alerts.map((m) => m.value)).toEqual(['a1', 'a2', 'a3']);
    expect(merged.dlq.map((m) => m.value)).toEqual(['d1', 'd2']);
    expect(merged.changelog.map((m) => [m.key, m.value])).toEqual([
      ['tag-2', 'v1'],
      ['tag-1', 'v2'],
      ['tag-3', null],
    ]);
  });

  it('lets a later tombstone win over an earlier state, and a later state over a tombstone', () => {
    expect(mergeOutputs(out([], [['t', 'v']]), out([], [['t', null]])).changelog).toEqual([msg('t', null)]);
    expect(mergeOutputs(out([], [['t', null]]), out([], [['t', 'v']])).changelog).toEqual([msg('t', 'v')]);
  });
});

describe('CommitPipeline', () => {
  it('commits a batch and tells it so', async () => {
    const c = controlledCommits();
    const p = new CommitPipeline(c.fn);
    const told: boolean[] = [];
    p.submit(out(['a']), 10n, (ok) => told.push(ok));
    expect(c.calls).toHaveLength(1);
    expect(c.calls[0]!.nextOffset).toBe(10n);
    c.calls[0]!.end(true);
    await p.idle();
    expect(told).toEqual([true]);
    expect(p.busy).toBe(false);
  });

  it('folds batches applied during a commit into one next commit with the newest offset', async () => {
    const c = controlledCommits();
    const p = new CommitPipeline(c.fn);
    const told: string[] = [];
    p.submit(out(['a1'], [['t', 'v1']]), 10n, (ok) => told.push(`1:${ok}`));
    p.submit(out(['a2'], [['t', 'v2']]), 20n, (ok) => told.push(`2:${ok}`));
    p.submit(out(['a3']), 30n, (ok) => told.push(`3:${ok}`));
    expect(c.calls).toHaveLength(1); // one transaction at a time
    expect(p.waiting).toBe(3);
    c.calls[0]!.end(true);
    await tick();
    expect(c.calls).toHaveLength(2);
    expect(c.calls[1]!.nextOffset).toBe(30n);
    expect(c.calls[1]!.outputs.alerts.map((m) => m.value)).toEqual(['a2', 'a3']);
    expect(c.calls[1]!.outputs.changelog.map((m) => m.value)).toEqual(['v2']);
    c.calls[1]!.end(true);
    await p.idle();
    expect(told).toEqual(['1:true', '2:true', '3:true']);
  });

  it('drops what waits behind a failed commit, tells every batch, and starts afresh after', async () => {
    const c = controlledCommits();
    const p = new CommitPipeline(c.fn);
    const told: string[] = [];
    p.submit(out(['a1']), 10n, (ok) => told.push(`1:${ok}`));
    p.submit(out(['a2']), 20n, (ok) => told.push(`2:${ok}`));
    c.calls[0]!.end(false);
    await p.idle();
    expect(c.calls).toHaveLength(1); // batch 2 was applied on a state that is now void
    expect(told).toEqual(['1:false', '2:false']);
    p.submit(out(['a1']), 10n, (ok) => told.push(`1 again:${ok}`));
    expect(c.calls).toHaveLength(2);
    c.calls[1]!.end(true);
    await p.idle();
    expect(told.at(-1)).toBe('1 again:true');
  });

  it('treats a commit that throws as failed', async () => {
    const c = controlledCommits();
    const p = new CommitPipeline(c.fn);
    const told: boolean[] = [];
    p.submit(out(['a']), 10n, (ok) => told.push(ok));
    c.calls[0]!.end(new Error('broker gone'));
    await p.idle();
    expect(told).toEqual([false]);
  });

  it('idle() waits for the commit in flight and the one behind it', async () => {
    const c = controlledCommits();
    const p = new CommitPipeline(c.fn);
    p.submit(out(['a1']), 10n, () => undefined);
    p.submit(out(['a2']), 20n, () => undefined);
    let idle = false;
    void p.idle().then(() => {
      idle = true;
    });
    c.calls[0]!.end(true);
    await tick();
    expect(idle).toBe(false);
    c.calls[1]!.end(true);
    await tick();
    await tick();
    expect(idle).toBe(true);
  });

  it('still tells the other batches when one listener throws', async () => {
    const c = controlledCommits();
    const p = new CommitPipeline(c.fn);
    const told: boolean[] = [];
    p.submit(out(['a1']), 10n, () => {
      throw new Error('listener bug');
    });
    p.submit(out(['a2']), 20n, (ok) => told.push(ok));
    c.calls[0]!.end(true);
    await tick();
    c.calls[1]!.end(true);
    await p.idle();
    expect(told).toEqual([true]);
  });
});
