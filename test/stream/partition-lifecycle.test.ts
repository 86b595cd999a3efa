/**
 * Item 12: the partition life cycle is a table of legal moves that throws on an illegal one.
 */
import { describe, expect, it } from 'vitest';
import { mayRecover } from '../../src/stream/partition-batch.js';
import {
  canMove,
  IllegalPartitionTransition,
  LEGAL_MOVES,
  PARTITION_PHASES,
  PartitionLifecycle,
} from '../../src/stream/partition-lifecycle.js';
import type { PartitionSink } from '../../src/stream/partition-sink.js';
import { PartitionTask } from '../../src/stream/partition-task.js';

describe('item 12: partition life cycle', () => {
  it('walks the happy path: initialising -> restoring -> ready <-> processing -> closed', () => {
    const l = new PartitionLifecycle(3);
    expect(l.phase).toBe('initialising');
    l.to('restoring');
    l.to('ready');
    l.to('processing');
    l.to('ready');
    l.close();
    expect(l.phase).toBe('closed');
    l.close(); // idempotent
  });

  it('recovers through restoring, and a failed bring-up starts over from initialising', () => {
    const l = new PartitionLifecycle(0);
    l.to('restoring');
    l.to('ready');
    l.to('processing');
    l.to('recovering');
    l.to('restoring');
    l.to('failed');
    l.to('initialising');
    expect(l.phase).toBe('initialising');
  });

  it('throws on an illegal move, naming partition and phases, and stays put', () => {
    const l = new PartitionLifecycle(7);
    expect(() => l.to('processing')).toThrow(IllegalPartitionTransition);
    expect(() => l.to('processing')).toThrow('partition 7: illegal move initialising -> processing');
    expect(l.phase).toBe('initialising');
  });

  it('a closed partition can never recover (which would fence its new owner) nor process', () => {
    const l = new PartitionLifecycle(1);
    l.to('restoring');
    l.to('ready');
    l.to('processing');
    l.close(); // revoked mid-batch
    for (const next of PARTITION_PHASES) expect(canMove('closed', next)).toBe(false);
    expect(() => l.to('recovering')).toThrow(IllegalPartitionTransition);
    expect(() => l.to('ready')).toThrow(IllegalPartitionTransition);
  });

  it('every phase can close, and the table only names known phases', () => {
    for (const from of PARTITION_PHASES) {
      if (from !== 'closed') expect(canMove(from, 'closed')).toBe(true);
      for (const to of LEGAL_MOVES[from]) expect(PARTITION_PHASES).toContain(to);
    }
    // No batch runs on state that is not restored.
    expect(canMove('initialising', 'processing')).toBe(false);
    expect(canMove('restoring', 'processing')).toBe(false);
    expect(canMove('recovering', 'processing')).toBe(false);
    expect(canMove('recovering', 'ready')).toBe(false);
  });
});

describe('item 11: a worker that lost a partition does not fence its new owner', () => {
  // Recovery fences (a fresh transactional producer's initTransactions). Only a partition the
  // worker still owns may recover; a revoked one is closed, and stale batches are dropped.
  const task = () => {
    const t = new PartitionTask(4, {} as PartitionSink);
    t.lifecycle.to('restoring');
    t.reset(new Map(), 0n);
    return t;
  };

  it('recovers a failed commit of a partition it still owns', () => {
    const t = task();
    t.lifecycle.to('processing');
    t.invalidate();
    expect(mayRecover(t, false)).toBe(true);
  });

  it('never recovers once the partition was revoked mid-batch, nor for a stale batch', () => {
    const revoked = task();
    revoked.lifecycle.to('processing');
    revoked.lifecycle.close(); // the rebalance took it away while the commit was in flight
    revoked.invalidate(); // the commit then failed: fenced by the new owner
    expect(revoked.lifecycle.phase).toBe('closed');
    expect(mayRecover(revoked, false)).toBe(false);
    const stale = task();
    stale.lifecycle.to('processing');
    stale.invalidate();
    expect(mayRecover(stale, true)).toBe(false);
  });
});
