/**
 * Clock glitches (issue 9, item 2). A tag whose clock jumps ahead reports fixes "from the
 * future"; applied, one such fix would push the tag's state ahead (lastTs in the future), and
 * every genuine fix after it would be judged late. So a fix whose ts is more than a margin ahead
 * of when the broker received it is not applied at all: it goes to the DLQ with this reason.
 *
 * The reference is the record's append time when the topic stamps it (LogAppendTime). On a
 * CreateTime topic the producer chose the timestamp, perhaps from the same bad clock, so the
 * reference is the earlier of that timestamp and the worker's clock: a fix can never be judged
 * against a time later than now.
 */

/** Kafka's timestamp types, as record batches carry them. */
export const TIMESTAMP_TYPE = { createTime: 0, logAppendTime: 1 } as const;

export function referenceTime(recordTs: number, timestampType: number | undefined, now: number): number {
  if (!Number.isFinite(recordTs) || recordTs <= 0) return now;
  return timestampType === TIMESTAMP_TYPE.logAppendTime ? recordTs : Math.min(recordTs, now);
}

/** The DLQ reason when `ts` is more than `marginMs` ahead of `reference`, else undefined. */
export function clockGlitch(ts: number, reference: number, marginMs: number): string | undefined {
  const ahead = ts - reference;
  if (ahead <= marginMs) return undefined;
  return `ts: ${Math.round(ahead / 1000)} s ahead of the record's append time (margin ${Math.round(marginMs / 1000)} s): device clock glitch`;
}
