/**
 * Building a configuration table aside (pure): from what one replay of the input topic staged
 * and what the accepted-versions topic holds, decide what is in force, what was rejected, and
 * what the accepted-versions topic must be told.
 *
 * Per key, the input's LAST record decides:
 *   accept → that version is in force;
 *   delete → nothing is in force (and the accepted copy is tombstoned);
 *   reject → the last accepted version stays in force: the newest of the last one accepted in
 *            this replay and the accepted-versions topic's copy (compaction may have removed the
 *            former from the input topic; the latter survives it). Protection is never dropped
 *            because of a bad edit.
 * A key only the accepted-versions topic knows was deleted from the input long ago: dropped.
 * Nothing staged is applied before this runs, so superseded versions and deleted zones are never
 * in force, not even briefly.
 */
import type { Judged } from './config-judge.js';

export interface StagedKey<T> {
  /** The input's last record for the key, judged, with its offset. */
  final: Judged<T>;
  finalOffset: bigint;
  /** The last accepted version in this replay (cleared by a later delete). */
  lastAccepted?: { value: T; offset: bigint; bytes: Buffer } | undefined;
}

export interface AcceptedCopy<T> {
  readonly value: T;
  /** Offset of the input record it was copied from. */
  readonly sourceOffset: bigint;
  readonly bytes: Buffer;
}

export interface FoldResult<T> {
  /** In force, in input offset order. */
  readonly inForce: Array<{ key: string; value: T; offset: bigint }>;
  /** Keys whose last record was rejected, with whether an earlier version stays in force. */
  readonly rejected: Array<{ key: string; fallback: T | undefined }>;
  /** Accepted versions to (re)write to the accepted-versions topic. */
  readonly writeAccepted: Array<{ key: string; bytes: Buffer; sourceOffset: bigint }>;
  /** Keys to tombstone on the accepted-versions topic. */
  readonly tombstoneAccepted: string[];
}

export function foldTable<T>(
  staged: ReadonlyMap<string, StagedKey<T>>,
  accepted: ReadonlyMap<string, AcceptedCopy<T>>,
): FoldResult<T> {
  const inForce: FoldResult<T>['inForce'] = [];
  const rejected: FoldResult<T>['rejected'] = [];
  const writeAccepted: FoldResult<T>['writeAccepted'] = [];
  const tombstoneAccepted: string[] = [];
  for (const [key, s] of staged) {
    const copy = accepted.get(key);
    switch (s.final.kind) {
      case 'accept': {
        inForce.push({ key, value: s.final.value, offset: s.finalOffset });
        const bytes = s.lastAccepted?.bytes;
        if (bytes !== undefined && (copy === undefined || copy.sourceOffset < s.finalOffset)) {
          writeAccepted.push({ key, bytes, sourceOffset: s.finalOffset });
        }
        break;
      }
      case 'delete':
        if (copy !== undefined) tombstoneAccepted.push(key);
        break;
      case 'reject': {
        const mine = s.lastAccepted;
        let fallback: T | undefined;
        if (mine !== undefined && (copy === undefined || copy.sourceOffset <= mine.offset)) {
          fallback = mine.value;
          if (copy === undefined || copy.sourceOffset < mine.offset) {
            writeAccepted.push({ key, bytes: mine.bytes, sourceOffset: mine.offset });
          }
        } else if (copy !== undefined) {
          fallback = copy.value;
        }
        if (fallback !== undefined) inForce.push({ key, value: fallback, offset: s.finalOffset });
        rejected.push({ key, fallback });
        break;
      }
      default: {
        const unreachable: never = s.final;
        throw new Error(`unknown judgement ${String(unreachable)}`);
      }
    }
  }
  for (const key of accepted.keys()) if (!staged.has(key)) tombstoneAccepted.push(key);
  inForce.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  return { inForce, rejected, writeAccepted, tombstoneAccepted };
}
