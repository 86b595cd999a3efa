/**
 * Where a worker's time goes at full speed: publish a seeded fleet, then consume it with one
 * in-process worker (exactly-once by default) under the CPU profiler. Prints the event-loop
 * utilisation (1.0 = the main thread never waited), CPU time per wall second, self time by place
 * (kafkajs, Fenceline's layers, GC, idle...), the top functions, and how much of the machine was
 * idle and how much the broker's JVM used over the same span (Linux). This is the evidence for
 * issue 14 item 4: a second thread can only pay if the main thread is the bottleneck and a core
 * is left for it.
 *
 *   npx tsx bench/worker-profile.ts [pings=300000] [eos|alos] [out.cpuprofile] [--alloc]
 *
 * With --alloc it samples what the worker allocates over the same span instead (the heap
 * profiler, bench/heap-profile.ts): bytes per ping and the functions that allocate most.
 *
 * Uses KAFKA_BROKERS when set, else a throw-away local broker.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { acquireBrokers } from '../src/local-kafka/index.js';
import { DEFAULT_SIM_OPTIONS } from '../src/sim/sim-options.js';
import { type Profile, selfTimeByPlace, topSelfTime } from './cpu-profile.js';
import { exitOnSignals } from './exit-on-signals.js';
import { ALLOCATED_SAMPLING, type HeapProfile, topAllocators } from './heap-profile.js';
import {
  benchTopics,
  benchWorkerConfig,
  createBenchTopics,
  deleteBenchTopics,
  kafkaClient,
  publishFleet,
  timeWorker,
} from './kafka-harness.js';
import { type CpuSample, cpuSpan, sampleCpu } from './machine-cpu.js';

const alloc = process.argv.includes('--alloc');
const args = process.argv.slice(2).filter((a) => a !== '--alloc');
const target = Number(args[0] ?? 300_000);
const exactlyOnce = args[1] !== 'alos';
const out = args[2] ?? `worker-${exactlyOnce ? 'eos' : 'alos'}.${alloc ? 'heapprofile' : 'cpuprofile'}`;
const log = (s: string) => process.stderr.write(`${s}\n`);

exitOnSignals();
const broker = await acquireBrokers(undefined, false, log, { throwaway: true });
const prefix = `bench-${Date.now().toString(36)}-prof`;
const topics = benchTopics(prefix);
const admin = kafkaClient(broker.brokers).admin();
await admin.connect();
try {
  await createBenchTopics(admin, topics);
  const subjects = 2_000;
  const pub = await publishFleet(broker.brokers, topics, {
    ...DEFAULT_SIM_OPTIONS,
    subjects,
    durationH: target / (subjects * 61),
  });
  log(`published ${pub.pings} pings; consuming under the profiler...`);
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))),
    );
  if (alloc) {
    await post('HeapProfiler.enable');
  } else {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
  }
  // Everything below is measured from the first committed batch: start-up (group join, tables,
  // restore) is not what a second thread would share.
  let elu0 = performance.eventLoopUtilization();
  let cpu0 = process.cpuUsage();
  let wall0 = performance.now();
  let elu = elu0;
  let cpu = cpu0;
  let wallS = 0;
  let stopped: Promise<unknown> = Promise.resolve(undefined);
  // The machine and the broker over the same span: is a core left for a second thread?
  const brokerPid = broker.throwaway?.pid;
  let machine0: CpuSample | undefined;
  let machine1: CpuSample | undefined;
  const timing = await timeWorker(
    benchWorkerConfig(broker.brokers, topics, `${prefix}-worker`, exactlyOnce),
    pub.pings,
    600_000,
    {
      onFirstBatch: () => {
        if (alloc) session.post('HeapProfiler.startSampling', ALLOCATED_SAMPLING);
        else session.post('Profiler.start');
        machine0 = sampleCpu(brokerPid);
        elu0 = performance.eventLoopUtilization();
        cpu0 = process.cpuUsage();
        wall0 = performance.now();
      },
      onLastBatch: () => {
        machine1 = sampleCpu(brokerPid);
        wallS = (performance.now() - wall0) / 1000;
        cpu = process.cpuUsage(cpu0);
        elu = performance.eventLoopUtilization(elu0);
        stopped = post(alloc ? 'HeapProfiler.stopSampling' : 'Profiler.stop');
      },
    },
  );
  const { profile } = (await stopped) as { profile: Profile | HeapProfile };
  writeFileSync(out, JSON.stringify(profile));
  console.log(
    `${exactlyOnce ? 'exactly-once' : 'at-least-once'}: ${Math.round(timing.perS)} pings/s over ${timing.consumeS.toFixed(1)} s (start-up ${timing.startupS.toFixed(1)} s)`,
  );
  console.log(
    `event-loop utilisation ${elu.utilization.toFixed(2)}; CPU ${((cpu.user + cpu.system) / 1e6 / wallS).toFixed(2)} s per wall s (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s, wall ${wallS.toFixed(1)} s)`,
  );
  const span = cpuSpan(machine0, machine1);
  if (span !== undefined) {
    const brokerCores = Number.isNaN(span.procCores)
      ? 'not measured (KAFKA_BROKERS: not a local process)'
      : `${span.procCores.toFixed(2)} cores`;
    console.log(
      `machine over the same span: ${span.cpus} CPUs, ${span.idleCores.toFixed(2)} cores idle; broker JVM ${brokerCores}`,
    );
  }
  if (alloc) {
    const { total, lines } = topAllocators(profile as HeapProfile, 30);
    console.log(
      `\nallocated: ${(total / 1e6).toFixed(0)} MB, ${Math.round(total / Math.max(1, timing.perS * timing.consumeS))} B per ping (sampled)`,
    );
    console.log('\ntop functions (bytes allocated):');
    console.log(lines.join('\n'));
  } else {
    console.log('\nself time by place:');
    console.log(selfTimeByPlace(profile as Profile).join('\n'));
    console.log('\ntop functions (self time):');
    console.log(topSelfTime(profile as Profile, 30).join('\n'));
  }
  console.log(`\nprofile: ${out}`);
} finally {
  await deleteBenchTopics(admin, prefix).catch(() => undefined);
  await admin.disconnect();
  await broker.release();
}
