/**
 * read_committed that is actually read-committed, for every kafkajs client.
 *
 * kafkajs 2.2.4 (no further releases) drops aborted records itself, from the fetch response's
 * list of aborted transactions, and assumes that list is ordered by each transaction's first
 * offset with at most one transaction starting per record. The broker lists them in the order
 * they were aborted. When transactions of several producers overlap and end in another order
 * than they began, kafkajs delivers aborted records as if they were committed. That is exactly
 * what a crashed worker leaves behind (one open transaction per partition, all aborted by the
 * next owner's fencing): the restore would read state that was never committed and every
 * reader of alerts would see alerts the replay then writes again. Measured on a real broker in
 * test/kafka/aborted-transactions.int.test.ts: three of four aborted records delivered.
 *
 * The fix, done where kafkajs decodes a fetch response (the response modules are looked up by
 * property on every request, so replacing `parse` works whenever this module is loaded):
 * records of aborted transactions are found the way the Java client does it (transactions
 * sorted by first offset, every one that has begun by a record's offset counts, an abort marker
 * ends its producer's), and are marked as control records. kafkajs already hides control
 * records from the application but still counts them when it advances past a batch, so a fetch
 * holding nothing but aborted records moves the position on instead of being fetched again.
 * The transaction list handed on is then empty, which turns kafkajs' own filter into a no-op.
 */
import { createRequire } from 'node:module';
// Before the fetch response modules below load kafkajs' record decoder (record-decoder.ts).
import './record-decoder.js';

export interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

/** The fields of a decoded kafkajs record this filter reads (and the one it sets). */
export interface FetchedRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  isControlRecord: boolean;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}

/** A control record's key: version (int16) then type (int16); type 0 is ABORT. */
function isAbortMarker(record: FetchedRecord): boolean {
  const key = record.key;
  return record.isControlRecord && key !== null && key.length >= 4 && key.readInt16BE(2) === 0;
}

/**
 * Which records of one partition's fetch belong to aborted transactions. Pure; `records` in
 * offset order, as fetched. Returns the indexes to hide.
 */
export function abortedRecordIndexes(
  records: readonly FetchedRecord[],
  aborted: readonly AbortedTransaction[],
): number[] {
  if (aborted.length === 0) return [];
  const pending = aborted
    .map((t) => ({ producerId: t.producerId, first: BigInt(t.firstOffset) }))
    .sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : 0));
  const open = new Set<string>();
  const hide: number[] = [];
  let next = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const offset = BigInt(record.offset);
    while (next < pending.length && pending[next]!.first <= offset) open.add(pending[next++]!.producerId);
    const { producerId, inTransaction } = record.batchContext;
    if (record.isControlRecord) {
      if (isAbortMarker(record)) open.delete(producerId);
    } else if (inTransaction && open.has(producerId)) {
      hide.push(i);
    }
  }
  return hide;
}

interface FetchPartition {
  abortedTransactions?: AbortedTransaction[];
  messages?: FetchedRecord[];
}
interface FetchResponse {
  responses?: { partitions?: FetchPartition[] }[];
}
interface ResponseModule {
  parse: (data: unknown) => Promise<FetchResponse>;
}

/** Hide aborted records in a parsed fetch response, in place. */
export function hideAbortedRecords(response: FetchResponse): FetchResponse {
  for (const topic of response.responses ?? []) {
    for (const partition of topic.partitions ?? []) {
      const aborted = partition.abortedTransactions;
      if (aborted === undefined || aborted.length === 0) continue;
      const records = partition.messages ?? [];
      for (const i of abortedRecordIndexes(records, aborted)) records[i]!.isControlRecord = true;
      partition.abortedTransactions = [];
    }
  }
  return response;
}

/** Fetch versions that carry aborted transactions (4 and later; kafkajs speaks up to 11). */
const TRANSACTIONAL_FETCH_VERSIONS = [4, 5, 6, 7, 8, 9, 10, 11];
const patched = new WeakSet<object>();

function install(): void {
  const require = createRequire(import.meta.url);
  for (const v of TRANSACTIONAL_FETCH_VERSIONS) {
    const mod = require(`kafkajs/src/protocol/requests/fetch/v${v}/response.js`) as ResponseModule;
    if (patched.has(mod)) continue;
    const parse = mod.parse;
    mod.parse = async (data) => hideAbortedRecords(await parse(data));
    patched.add(mod);
  }
}

install();
