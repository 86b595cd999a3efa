/**
 * Given one partition's fetched records and the broker's list of aborted transactions, when the
 * read_committed filter runs, then exactly the records of aborted transactions are hidden.
 */
import { describe, expect, it } from 'vitest';
import {
  type AbortedTransaction,
  abortedRecordIndexes,
  type FetchedRecord,
  hideAbortedRecords,
} from '../../src/kafka/read-committed.js';

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);

/** 'a5' = a data record of transactional producer a at offset 5; 'A7'/'C7' = abort/commit marker; 'p3' = plain. */
function log(spec: string): FetchedRecord[] {
  return spec.split(' ').map((t) => {
    const producer = t[0]!.toLowerCase();
    const offset = t.slice(1);
    const marker = t[0] !== producer;
    const plain = producer === 'p';
    return {
      offset,
      key: marker ? (t[0] === 'C' ? COMMIT : ABORT) : Buffer.from('k'),
      isControlRecord: marker,
      batchContext: { producerId: producer, inTransaction: !plain },
    };
  });
}
const aborted = (...t: [string, number][]): AbortedTransaction[] =>
  t.map(([producerId, first]) => ({ producerId, firstOffset: String(first) }));
const hidden = (records: FetchedRecord[], list: AbortedTransaction[]) =>
  abortedRecordIndexes(records, list).map((i) => records[i]!.offset);

describe('abortedRecordIndexes', () => {
  it('hides nothing when no transaction was aborted', () => {
    expect(hidden(log('a0 a1 C2 p3'), [])).toEqual([]);
  });

  it('hides an aborted transaction and keeps the committed one of the same producer after it', () => {
    expect(hidden(log('a0 a1 A2 a3 C4'), aborted(['a', 0]))).toEqual(['0', '1']);
  });

  it('hides overlapping transactions listed in abort order, not begin order (the kafkajs bug)', () => {
    // a began at 0, b at 1, d at 2; aborted d, b, a: the broker lists them in that order.
    const records = log('a0 b1 d2 a3 D4 B5 A6 c7 C8');
    expect(hidden(records, aborted(['d', 2], ['b', 1], ['a', 0]))).toEqual(['0', '1', '2', '3']);
  });

  it('hides a transaction that began before the fetch did', () => {
    expect(hidden(log('b5 a6 b7 A8 C9'), aborted(['a', 3]))).toEqual(['6']);
  });

  it('counts every transaction that has begun by the first record, not one per record', () => {
    expect(hidden(log('b9 a10 B11 A12'), aborted(['a', 2], ['b', 1]))).toEqual(['9', '10']);
  });

  it('hides a second aborted transaction of the same producer after a committed one', () => {
    expect(hidden(log('a0 A1 a2 C3 a4 A5'), aborted(['a', 0], ['a', 4]))).toEqual(['0', '4']);
  });

  it('never hides records written outside a transaction', () => {
    expect(hidden(log('p0 a1 p2 A3'), aborted(['a', 1], ['p', 0]))).toEqual(['1']);
  });
});

describe('hideAbortedRecords', () => {
  it('marks aborted records as control records (kafkajs hides them but still counts their offsets)', () => {
    const messages = log('a0 b1 B2 A3 c4 C5');
    const response = {
      responses: [{ partitions: [{ abortedTransactions: aborted(['b', 1], ['a', 0]), messages }] }],
    };
    hideAbortedRecords(response);
    expect(messages.filter((m) => !m.isControlRecord).map((m) => m.offset)).toEqual(['4']);
    expect(response.responses[0]!.partitions[0]!.abortedTransactions).toEqual([]);
  });
});
