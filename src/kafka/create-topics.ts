/**
 * Topic creation that survives a busy broker, for every process that creates topics (worker,
 * profile publisher, notifier, demo). The simulator, which may import only the contract, keeps
 * the same function for its own topics in src/sim/kafka-sink.ts.
 */
import type { Admin, ITopicConfig } from 'kafkajs';

/**
 * Create topics (an existing one is fine) and return once every partition has a leader. On a
 * loaded broker kafkajs' own wait for leaders can fail with "does not host this topic-partition"
 * (metadata not propagated yet, which it does not retry): the topics exist by then, so wait for
 * their metadata here instead of failing the run.
 */
export async function createTopicsSettled(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  if (topics.length === 0) return;
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
    return;
  } catch (err) {
    const e = err as Error & { type?: string };
    if (/already exists/i.test(e.message)) return;
    const notYet =
      e.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
      e.type === 'LEADER_NOT_AVAILABLE' ||
      /does not host this topic-partition/i.test(e.message);
    if (!notYet) throw err;
  }
  const names = topics.map((t) => t.topic);
  for (let attempt = 1; ; attempt++) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: names });
      if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (attempt >= 60) throw err;
    }
    if (attempt >= 60) throw new Error(`topics have no leader after 30 s: ${names.join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
