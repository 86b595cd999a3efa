/**
 * Item 12: the seek-and-skip-committed logic as a pure function.
 */
import { describe, expect, it } from 'vitest';
import { batchPosition } from '../../src/stream/batch-position.js';

const offs = (...xs: number[]) => xs.map((x) => ({ offset: String(x) }));

describe('item 12: batchPosition (seek and skip committed)', () => {
  it('processes a batch that starts at the committed position', () => {
    expect(
      batchPosition({ firstOffset: 10n, records: offs(10, 11, 12), nextOffset: 10n, seekTo: 10n }),
    ).toEqual({ kind: 'process', from: 0 });
  });

  it('seeks back when the consumer is past the committed position after (re)initialisation', () => {
    expect(batchPosition({ firstOffset: 15n, records: offs(15, 16), nextOffset: 10n, seekTo: 10n })).toEqual({
      kind: 'seek',
      offset: 10n,
    });
  });

  it('does not seek once positioned (seekTo cleared), whatever the offsets', () => {
    expect(
      batchPosition({ firstOffset: 15n, records: offs(15, 16), nextOffset: 10n, seekTo: undefined }),
    ).toEqual({ kind: 'process', from: 0 });
  });

  it('skips records a predecessor already committed, processing the rest', () => {
    expect(
      batchPosition({ firstOffset: 5n, records: offs(5, 6, 8, 9, 10), nextOffset: 9n, seekTo: 9n }),
    ).toEqual({ kind: 'process', from: 3 });
  });

  it('skips a batch that is entirely below the committed position', () => {
    expect(
      batchPosition({ firstOffset: 5n, records: offs(5, 6, 7), nextOffset: 8n, seekTo: undefined }),
    ).toEqual({ kind: 'skip' });
  });

  it('skips an empty batch (only transaction markers)', () => {
    expect(batchPosition({ firstOffset: 20n, records: [], nextOffset: 20n, seekTo: undefined })).toEqual({
      kind: 'skip',
    });
  });

  it('handles gaps (compaction, aborted records) below the committed offset', () => {
    expect(
      batchPosition({ firstOffset: 100n, records: offs(100, 140, 141), nextOffset: 120n, seekTo: undefined }),
    ).toEqual({ kind: 'process', from: 1 });
  });

  it('given offsets past 2^53, then they are compared exactly, not as doubles', () => {
    const records = [{ offset: '9007199254740992' }, { offset: '9007199254740993' }];
    expect(
      batchPosition({
        firstOffset: 9007199254740992n,
        records,
        nextOffset: 9007199254740993n,
        seekTo: undefined,
      }),
    ).toEqual({ kind: 'process', from: 1 });
  });

  it('given a batch at or past the committed position, then no record offset is read at all', () => {
    const unread = {
      get offset(): string {
        throw new Error('offset read');
      },
    };
    expect(
      batchPosition({ firstOffset: 10n, records: [unread, unread], nextOffset: 10n, seekTo: undefined }),
    ).toEqual({ kind: 'process', from: 0 });
  });
});
