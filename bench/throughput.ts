/**
 * End-to-end throughput through a real broker: the pings topic is pre-loaded from the simulator,
 * then consumed to the end three times, each by a fresh consumer group: a bare kafkajs consumer
 * (eachBatch, no processing), one in-process worker with exactly-once on, and one with it off.
 * The ratios worker/bare show what the engine and its outputs cost on top of consuming.
 */

import { round } from '../src/ops/stats.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../src/sim/sim-options.js';
import {
  benchTopics,
  benchWorkerConfig,
  type ConsumeTiming,
  createBenchTopics,
  deleteBenchTopics,
  kafkaClient,
  publishFleet,
  timeBareConsumer,
  timeWorker,
} from './kafka-harness.js';

export interface ThroughputResult {
  pings: number;
  subjects: number;
  publishPerS: number;
  bare: ConsumeTiming;
  bareDecode: ConsumeTiming;
  exactlyOnce: ConsumeTiming;
  atLeastOnce: ConsumeTiming;
  eosVsBare: number;
  alosVsBare: number;
}

export async function runThroughput(
  brokers: string[],
  targetPings: number,
  log: (s: string) => void,
  seed = DEFAULT_SIM_OPTIONS.seed,
): Promise<ThroughputResult> {
  const prefix = `bench-${Date.now().toString(36)}-tp`;
  const topics = benchTopics(prefix);
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    await createBenchTopics(admin, topics);
    const subjects = targetPings >= 500_000 ? 10_000 : 2_000;
    // ~61 pings per subject-hour on average (60 s fixes, 15 s near zones).
    const opts: SimOptions = {
      ...DEFAULT_SIM_OPTIONS,
      seed,
      subjects,
      durationH: targetPings / (subjects * 61),
    };
    log(
      `throughput: pre-loading ~${targetPings} pings (${subjects} subjects, ${opts.durationH.toFixed(2)} h)...`,
    );
    const pub = await publishFleet(brokers, topics, opts);
    const total = pub.pings;
    const publishPerS = total / (pub.wallMs / 1000);
    log(`throughput: published ${total} pings at ${Math.round(publishPerS)}/s; bare consumer...`);
    const timeoutMs = Math.max(120_000, total / 5);
    const bare = await timeBareConsumer(brokers, topics.pings, `${prefix}-bare`, total, timeoutMs);
    log(`throughput: bare ${Math.round(bare.perS)}/s; bare + decode...`);
    const bareDecode = await timeBareConsumer(
      brokers,
      topics.pings,
      `${prefix}-decode`,
      total,
      timeoutMs,
      'decode',
    );
    log(`throughput: bare + decode ${Math.round(bareDecode.perS)}/s; worker exactly-once...`);
    const exactlyOnce = await timeWorker(
      benchWorkerConfig(brokers, topics, `${prefix}-eos`, true),
      total,
      timeoutMs,
    );
    log(`throughput: exactly-once ${Math.round(exactlyOnce.perS)}/s; worker at-least-once...`);
    const alos = {
      ...topics,
      alerts: `${prefix}.alerts-alos`,
      stateChangelog: `${prefix}.state-changelog-alos`,
    };
    const atLeastOnce = await timeWorker(
      benchWorkerConfig(brokers, alos, `${prefix}-alos`, false),
      total,
      timeoutMs,
    );
    log(`throughput: at-least-once ${Math.round(atLeastOnce.perS)}/s`);
    return {
      pings: total,
      subjects,
      publishPerS: Math.round(publishPerS),
      bare,
      bareDecode,
      exactlyOnce,
      atLeastOnce,
      eosVsBare: round(exactlyOnce.perS / bare.perS, 3),
      alosVsBare: round(atLeastOnce.perS / bare.perS, 3),
    };
  } finally {
    await deleteBenchTopics(admin, prefix);
    await admin.disconnect();
  }
}
