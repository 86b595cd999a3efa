/**
 * Issue 9, items 3 and 9 (the pure part): building a table aside from a replay.
 * Given a replay's staged records and the accepted-versions topic, then only each key's last
 * record decides, deleted keys and superseded versions are never in force, and a rejected last
 * record leaves the newest accepted version in force.
 */
import { describe, expect, it } from 'vitest';
import type { Judged } from '../../src/stream/config-judge.js';
import { type AcceptedCopy, foldTable, type StagedKey } from '../../src/stream/table-fold.js';

type V = { v: number };
const acc = (key: string, v: number): Judged<V> => ({ kind: 'accept', key, value: { v } });
const rej = (key: string): Judged<V> => ({ kind: 'reject', key, field: 'geometry', reason: 'bad' });
const del = (key: string): Judged<V> => ({ kind: 'delete', key });

/** Stage records in order, as the table handler does. */
function stage(records: Array<[number, Judged<V>]>): Map<string, StagedKey<V>> {
  const out = new Map<string, StagedKey<V>>();
  for (const [offset, j] of records) {
    const prev = out.get(j.key);
    const lastAccepted =
      j.kind === 'accept'
        ? { value: j.value, offset: BigInt(offset), bytes: Buffer.from(String(j.value.v)) }
        : j.kind === 'delete'
          ? undefined
          : prev?.lastAccepted;
    out.set(j.key, { final: j, finalOffset: BigInt(offset), lastAccepted });
  }
  return out;
}

const copy = (v: number, sourceOffset: number): AcceptedCopy<V> => ({
  value: { v },
  sourceOffset: BigInt(sourceOffset),
  bytes: Buffer.from(String(v)),
});

describe('table consumers: a replay never applies deleted zones or old versions', () => {
  it('keeps only the last version of each key, and nothing of a deleted key', () => {
    const staged = stage([
      [0, acc('a', 1)],
      [1, acc('b', 1)],
      [2, acc('a', 2)],
      [3, del('b')],
      [4, acc('c', 1)],
    ]);
    const fold = foldTable(staged, new Map());
    expect(fold.inForce.map((x) => [x.key, x.value.v])).toEqual([
      ['a', 2],
      ['c', 1],
    ]);
    expect(fold.rejected).toEqual([]);
    expect(fold.writeAccepted.map((w) => [w.key, w.sourceOffset])).toEqual([
      ['a', 2n],
      ['c', 4n],
    ]);
  });

  it('tombstones accepted copies of deleted keys and of keys the input no longer has', () => {
    const staged = stage([
      [5, acc('a', 1)],
      [6, del('b')],
    ]);
    const fold = foldTable(
      staged,
      new Map([
        ['b', copy(1, 1)],
        ['gone', copy(1, 0)],
        ['a', copy(1, 5)],
      ]),
    );
    expect(fold.tombstoneAccepted.sort()).toEqual(['b', 'gone']);
    expect(fold.writeAccepted).toEqual([]); // a's copy is already current
  });
});

describe('a rejected zone or enrolment update keeps protection after a restart', () => {
  it('after compaction (only the bad record left), the accepted-versions copy stays in force', () => {
    const staged = stage([[9, rej('a')]]);
    const fold = foldTable(staged, new Map([['a', copy(3, 7)]]));
    expect(fold.inForce.map((x) => [x.key, x.value.v])).toEqual([['a', 3]]);
    expect(fold.rejected).toEqual([{ key: 'a', fallback: { v: 3 } }]);
    expect(fold.tombstoneAccepted).toEqual([]);
  });

  it('before compaction, the newest of the replay and the copy is kept, and the copy brought up to date', () => {
    const staged = stage([
      [1, acc('a', 1)],
      [4, acc('a', 2)],
      [5, rej('a')],
    ]);
    const fold = foldTable(staged, new Map([['a', copy(1, 1)]]));
    expect(fold.inForce.map((x) => x.value.v)).toEqual([2]);
    expect(fold.writeAccepted.map((w) => [w.key, w.sourceOffset])).toEqual([['a', 4n]]);
  });

  it('a rejected record with no accepted version anywhere leaves nothing in force, and says so', () => {
    const fold = foldTable(stage([[0, rej('a')]]), new Map());
    expect(fold.inForce).toEqual([]);
    expect(fold.rejected).toEqual([{ key: 'a', fallback: undefined }]);
  });

  it('a delete then a bad re-creation does not resurrect the deleted version', () => {
    const fold = foldTable(
      stage([
        [0, acc('a', 1)],
        [1, del('a')],
        [2, rej('a')],
      ]),
      new Map(),
    );
    expect(fold.inForce).toEqual([]);
  });
});
