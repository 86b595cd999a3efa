/**
 * Outputs of consecutive batches of one partition folded into one commit (pipelined commits,
 * commit-pipeline.ts). Pure.
 *
 * Alerts and DLQ records keep their order, earlier batch first. The changelog is compacted by tag
 * (its key): a changelog value is a tag's whole state, so only the later one matters, and sending
 * both would only make the transaction larger. A later tombstone (null) wins the same way.
 */
import type { Message } from 'kafkajs';
import type { PartitionOutputs } from './output-sends.js';

function keyOf(m: Message): string {
  const k = m.key;
  return k === null || k === undefined ? '' : typeof k === 'string' ? k : k.toString('utf8');
}

export function mergeOutputs(earlier: PartitionOutputs, later: PartitionOutputs): PartitionOutputs {
  let changelog: Message[];
  if (earlier.changelog.length === 0) changelog = later.changelog;
  else if (later.changelog.length === 0) changelog = earlier.changelog;
  else {
    const superseded = new Set<string>();
    for (const m of later.changelog) superseded.add(keyOf(m));
    changelog = earlier.changelog.filter((m) => !superseded.has(keyOf(m)));
    for (const m of later.changelog) changelog.push(m);
  }
  return {
    alerts: earlier.alerts.length === 0 ? later.alerts : [...earlier.alerts, ...later.alerts],
    dlq: earlier.dlq.length === 0 ? later.dlq : [...earlier.dlq, ...later.dlq],
    changelog,
  };
}

/** Messages in a set of outputs (the pipeline's bound on what waits for a commit). */
export function outputCount(o: PartitionOutputs): number {
  return o.alerts.length + o.dlq.length + o.changelog.length;
}
