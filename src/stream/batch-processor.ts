/**
 * The per-ping loop of one batch: decode at the edge (zod, once), route failures to the DLQ,
 * apply the rest to their tag's state through the engine, and collect what the batch must
 * publish. Counters are plain numbers in an object created once per batch; events go out once
 * per batch, after the commit, from the caller.
 *
 * All or nothing: the first time a batch touches a tag, the tag's state as it was is kept aside
 * (a deep copy); if anything throws mid-way, every touched tag is put back, so the partition's state
 * is never half-applied. A ping from a tag that is not enrolled at its ts creates no state.
 */
import type { KafkaMessage, Message } from 'kafkajs';
import { type Alert, decodePing } from '../contract/index.js';
import {
  applyPing,
  clockGlitch,
  cloneTagState,
  type EngineConfig,
  encodeTagStateCompact,
  newTagState,
  referenceTime,
  type TagState,
  type World,
} from '../engine/index.js';
import { dlqMessage } from './dlq-record.js';
import { type AlertSample, BATCH_OUTCOMES, type BatchOutcome } from './events.js';
import type { PartitionOutputs } from './partition-sink.js';

export interface BatchInput {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  readonly world: World;
  readonly engine: EngineConfig;
  readonly maxPingBytes: number;
  readonly states: Map<string, TagState>;
  /** A fix more than this ahead of its record's append time goes to the DLQ. Default 10 min. */
  readonly clockGlitchMarginMs?: number;
  /** Awaited every ~1000 records so the group session survives long batches. */
  readonly keepAlive: () => Promise<void>;
}

export interface BatchResult {
  readonly outputs: PartitionOutputs;
  readonly outcomes: Record<string, number>;
  readonly dlq: number;
  /** Alerts with the broker append time of the ping that raised them (for latency metrics). */
  readonly alerts: readonly Alert[];
  readonly alertAppendTs: readonly number[];
  readonly changedTags: number;
}

export const DEFAULT_CLOCK_GLITCH_MARGIN_MS = 10 * 60 * 1000;

/** kafkajs keeps the batch's timestamp type on each record (not in its typings). */
function timestampTypeOf(record: KafkaMessage): number | undefined {
  return (record as { batchContext?: { timestampType?: number } }).batchContext?.timestampType;
}

export function emptyOutcomes(): Record<BatchOutcome, number> {
  const counts = {} as Record<BatchOutcome, number>;
  for (const outcome of BATCH_OUTCOMES) counts[outcome] = 0;
  return counts;
}

export async function processBatch(input: BatchInput): Promise<BatchResult> {
  const undo = new Map<string, TagState | null>();
  try {
    return await applyBatch(input, undo);
  } catch (err) {
    for (const [tagId, before] of undo) {
      if (before === null) input.states.delete(tagId);
      else input.states.set(tagId, before);
    }
    throw err;
  }
}

async function applyBatch(input: BatchInput, undo: Map<string, TagState | null>): Promise<BatchResult> {
  const { topic, partition, messages, world, engine, maxPingBytes, states } = input;
  const outcomes = emptyOutcomes();
  const alerts: Alert[] = [];
  const alertAppendTs: number[] = [];
  const dlq: Message[] = [];
  const touched = new Set<string>();
  let sinceKeepAlive = 0;

  // An index, not for...of: the loop awaits keepAlive, so an iterator's result objects could not
  // be optimised away and cost a small allocation per record.
  for (let r = 0; r < messages.length; r++) {
    const record = messages[r]!;
    const decoded = decodePing(record.key, record.value, maxPingBytes);
    if (!decoded.ok) {
      dlq.push(dlqMessage(record, topic, partition, decoded.error));
      outcomes.invalid++;
      continue;
    }
    const ping = decoded.value;
    // One clock read and one timestamp parse per ping, shared by the glitch check and the engine.
    const now = Date.now();
    const arrivedAt = Number(record.timestamp);
    const glitch = clockGlitch(
      ping.ts,
      referenceTime(arrivedAt, timestampTypeOf(record), now),
      input.clockGlitchMarginMs ?? DEFAULT_CLOCK_GLITCH_MARGIN_MS,
    );
    if (glitch !== undefined) {
      dlq.push(dlqMessage(record, topic, partition, glitch));
      outcomes.invalid++;
      continue;
    }
    let state = states.get(ping.tagId);
    const known = state !== undefined;
    if (known && !undo.has(ping.tagId)) undo.set(ping.tagId, cloneTagState(state!));
    state ??= newTagState(ping.tagId);
    const before = alerts.length;
    const outcome = applyPing(world, engine, state, ping, arrivedAt, now, alerts);
    outcomes[outcome]++;
    // 'unenrolled' changes nothing (engine contract): a stranger's ping leaves no state behind.
    if (!known && outcome !== 'unenrolled') {
      states.set(ping.tagId, state);
      undo.set(ping.tagId, null);
    }
    // Any ping the engine took in may move a tag's state (even arrival time feeds NO_SIGNAL), so
    // every such tag is written to the changelog once per batch. 'unenrolled' and 'duplicate'
    // change nothing (engine contract), and skipping them keeps unenrolled tags out of the log.
    if (outcome !== 'unenrolled' && outcome !== 'duplicate') touched.add(ping.tagId);
    for (let i = before; i < alerts.length; i++) alertAppendTs.push(arrivedAt);
    if (++sinceKeepAlive >= 1000) {
      sinceKeepAlive = 0;
      await input.keepAlive();
    }
  }

  const changelog: Message[] = [];
  for (const tagId of touched) {
    const state = states.get(tagId);
    if (state !== undefined) changelog.push({ key: tagId, value: encodeTagStateCompact(state), partition });
  }
  return {
    outputs: { alerts: alerts.map(alertMessage), dlq, changelog },
    outcomes,
    dlq: dlq.length,
    alerts,
    alertAppendTs,
    changedTags: changelog.length,
  };
}

/** Alerts are keyed by subjectId (contract); the value is the alert as JSON. */
export function alertMessage(alert: Alert): Message {
  return { key: alert.subjectId, value: JSON.stringify(alert) };
}

/** Latency samples, taken when the alerts became visible (after the commit). */
export function alertSamples(
  alerts: readonly Alert[],
  appendTs: readonly number[],
  committedAt: number,
): AlertSample[] {
  const out: AlertSample[] = [];
  for (let i = 0; i < alerts.length; i++) {
    const a = alerts[i]!;
    const append = appendTs[i];
    out.push({
      type: a.type,
      fromFixS: (committedAt - a.ts) / 1000,
      fromAppendS: append === undefined ? Number.NaN : (committedAt - append) / 1000,
    });
  }
  return out;
}
