/**
 * Item 12: the partition life cycle is a table of legal moves that throws on an illegal one.
 */
import { describe, expect, it } from 'vitest';
import {
  canMove,
  IllegalPartitionTransition,
  LEGAL_MOVES,
  PARTITION_PHASES,
  PartitionLifecycle,
} from '../../src/stream/partition-lifecycle.js';

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
