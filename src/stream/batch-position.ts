/**
 * Where a fetched batch stands against the partition's committed position: the seek-and-skip
 * logic, as a pure function of offsets.
 *
 * After (re)initialisation the consumer may be positioned past the committed offset (it fetched
 * ahead, or a transaction we aborted had advanced it): it must go back (`seek`). Or it may be
 * behind it (kafkajs read the position before this worker fenced the previous owner, whose last
 * commit then landed): records below the committed offset are already reflected in the state and
 * must be skipped, not applied twice.
 */

export interface BatchPositionInput {
  /** Offset of the batch's first record (or its lastOffset when kafkajs filtered everything). */
  readonly firstOffset: bigint;
  /**
   * The batch's data records, offsets ascending (kafkajs' decimal strings). Read only as far as
   * the first one not yet committed, usually the first: parsing every offset cost each record
   * a BigInt.
   */
  readonly records: readonly { readonly offset: string }[];
  /** The committed position the state corresponds to. */
  readonly nextOffset: bigint;
  /** Set right after (re)initialisation: the consumer must not start past this offset. */
  readonly seekTo: bigint | undefined;
}

export type BatchPosition =
  /** Re-position the consumer at `offset` and drop this batch. */
  | { readonly kind: 'seek'; readonly offset: bigint }
  /** Nothing new: every record is below the committed position (or there are none). */
  | { readonly kind: 'skip' }
  /** Apply records from index `from` on (0 unless some were already committed). */
  | { readonly kind: 'process'; readonly from: number };

export function batchPosition(input: BatchPositionInput): BatchPosition {
  const { firstOffset, records, nextOffset, seekTo } = input;
  if (seekTo !== undefined && firstOffset > seekTo) return { kind: 'seek', offset: seekTo };
  let from = 0;
  if (firstOffset < nextOffset) {
    while (from < records.length && BigInt(records[from]!.offset) < nextOffset) from++;
  }
  if (from >= records.length) return { kind: 'skip' };
  return { kind: 'process', from };
}
