/**
 * Which pings partition a tag's pings land on: murmur2 of the key, as Java clients (and
 * kafkajs' DefaultPartitioner, which the contract asks producers to match) compute it. The
 * sweep needs it to find enrolled tags that never sent a ping to a partition it owns.
 */
import { Partitioners } from 'kafkajs';

export class TagPartitions {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly cache = new Map<string, number>();
  private count = 0;

  /** Group `tagIds` by partition, for a topic of `partitions` partitions. */
  group(tagIds: Iterable<string>, partitions: number): Map<number, string[]> {
    if (partitions !== this.count) {
      this.cache.clear();
      this.count = partitions;
    }
    const meta = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    const out = new Map<number, string[]>();
    for (const tagId of tagIds) {
      let p = this.cache.get(tagId);
      if (p === undefined) {
        p = this.partitioner({ topic: '', partitionMetadata: meta, message: { key: tagId, value: null } });
        this.cache.set(tagId, p);
      }
      const list = out.get(p);
      if (list === undefined) out.set(p, [tagId]);
      else list.push(tagId);
    }
    return out;
  }
}
