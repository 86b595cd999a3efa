/**
 * `fenceline demo` (npm run demo): a broker (KAFKA_BROKERS, else the local one on 9092), a
 * simulated fleet of 1,000 subjects published at an accelerated but realistic pace, one worker
 * in-process, and every alert printed as it is committed: one line each, with ids, type and
 * certainty but never coordinates or zone labels. The console (src/cli/demo-console.ts) serves
 * the same alerts on a map; its URL and a demo login are printed. Ctrl-C (or --duration-s) prints a summary:
 * alerts by type and ping-to-alert latency percentiles.
 *
 * Each run uses its own topics (demo-<stamp>.*) so a second run is not judged against the first
 * run's state; they are deleted at the end unless --keep-topics.
 *
 * The device-profile publisher runs in-process too, and the simulated tags obey the profiles it
 * puts on the run's device-config topic (--profiles off: today's store-and-forward tags).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { type Alert, AlertSchema } from '../contract/index.js';
import { createKafka } from '../kafka/connection.js';
import { createTopicsSettled } from '../kafka/create-topics.js';
import { acquireBrokers } from '../local-kafka/index.js';
import {
  createLogger,
  loadConfig,
  loadKafkaConnection,
  type RunningWorker,
  startWorker,
  summarise,
} from '../ops/index.js';
import { loadProfilesConfig } from '../ops/profiles-config.js';
import { type RunningProfiles, startProfiles } from '../ops/profiles-runtime.js';
import { buildFleet } from '../sim/fleet.js';
import { KafkaProfileFeed } from '../sim/kafka-profile-feed.js';
import { KafkaSink } from '../sim/kafka-sink.js';
import { localDateOf, localToUtc } from '../sim/local-time.js';
import { runSimulation } from '../sim/run-simulation.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../sim/sim-options.js';
import { type BatchCommittedEvent, STREAM_EVENTS } from '../stream/events.js';
import { topicsWithPrefix } from '../stream/stream-config.js';
import { startDemoConsole } from './demo-console.js';
import { type DemoNotify, startDemoNotify } from './demo-notify.js';
import type { Subcommand } from './main.js';
import { hmacKeyedHash, profileConfigOf } from './profiles-command.js';

const USAGE = `Usage: fenceline demo [options]

  --subjects <n>      simulated subjects                       default 1000
  --speed <x>         simulated seconds per wall second         default 60
  --approach-share <f> share of subjects approaching a victim   default 0.05
  --duration-s <s>    stop by itself after s seconds (default: run until Ctrl-C or the simulated day ends)
  --seed <n>          default 1
  --brokers <list>    default $KAFKA_BROKERS, else the local broker (started if needed)
  --keep-broker       leave a local broker this command started running
  --keep-topics       keep this run's demo-<stamp>.* topics
  --profiles off      tags ignore device profiles (default: the profile publisher runs and tags obey)

Alerts go to stdout; worker logs to stderr at LOG_LEVEL (default fatal, i.e. quiet).`;

/** The most recent 09:45 Europe/London at or before `now`: the day's approach trips come soon. */
export function demoStart(now: number): number {
  const today = localToUtc('Europe/London', localDateOf('Europe/London', now), 9 * 60 + 45);
  return today <= now ? today : today - 24 * 3_600_000;
}

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** One line per alert: what, who, which zone; never where (no coordinates, no labels). */
export function alertLine(a: Alert, now: number): string {
  const parts = [`${hhmm(now)}Z`, a.severity, a.type.padEnd(18), `subject ${a.subjectId}`, `tag ${a.tagId}`];
  if (a.zoneId !== undefined) parts.push(`zone ${a.zoneId}`);
  if (a.certainty !== undefined) parts.push(a.certainty);
  if (a.late) parts.push('late');
  parts.push(`(fix ${new Date(a.ts).toISOString().slice(0, 16)}Z)`);
  return parts.join('  ');
}

export const demoCommand: Subcommand = {
  summary: 'simulate 1,000 subjects through a local worker and print alerts live',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    let v: ReturnType<typeof parse>;
    try {
      v = parse(argv);
    } catch (err) {
      process.stderr.write(`fenceline demo: ${(err as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const log = (s: string) => process.stderr.write(`${s}\n`);
    const opts: SimOptions = {
      ...DEFAULT_SIM_OPTIONS,
      subjects: Number(v.subjects ?? 1000),
      seed: Number(v.seed ?? 1),
      approachShare: Number(v['approach-share'] ?? 0.05),
      start: demoStart(Date.now()),
      durationH: 24,
    };
    const speed = Number(v.speed ?? 60);
    const durationS = v['duration-s'] !== undefined ? Number(v['duration-s']) : undefined;
    const withProfiles = v.profiles !== 'off';
    if (
      (v.profiles !== undefined && v.profiles !== 'on' && v.profiles !== 'off') ||
      ![opts.subjects, opts.seed, speed].every(Number.isFinite) ||
      (durationS !== undefined && !(durationS > 0))
    ) {
      process.stderr.write(`fenceline demo: invalid number\n\n${USAGE}\n`);
      return 2;
    }
    const broker = await acquireBrokers(v.brokers, v['keep-broker'] === true, log);
    const stamp = `demo-${Date.now().toString(36)}`;
    const topics = topicsWithPrefix(stamp);
    // TLS and SASL, if any, come from the same environment variables as the worker's.
    const connection = loadKafkaConnection({ ...process.env, KAFKA_BROKERS: broker.brokers.join(',') });
    const kafka = createKafka(connection, 'fenceline-demo', {
      retry: { initialRetryTime: 300, retries: 10 },
    });
    const admin = kafka.admin();
    const alertsConsumer = kafka.consumer({ groupId: `${stamp}-console`, maxWaitTimeInMs: 50 });
    const byType: Record<string, number> = {};
    const latencyMs: number[] = [];
    let worker: RunningWorker | undefined;
    let centre: Awaited<ReturnType<typeof startDemoConsole>> | undefined;
    let notify: DemoNotify | undefined;
    let profiles: RunningProfiles | undefined;
    let feed: KafkaProfileFeed | undefined;
    let stop = false;
    const onSigint = () => {
      stop = true;
    };
    process.on('SIGINT', onSigint);
    const t0 = Date.now();
    let published = 0;
    try {
      await admin.connect();
      const sink = await KafkaSink.connect({ kafka, topics, batchSize: 500 });
      await alertsConsumer.connect();
      // The alerts topic must exist before the console subscribes; the worker creates the rest.
      await createTopicsSettled(admin, [{ topic: topics.alerts, numPartitions: 12 }]);
      await alertsConsumer.subscribe({ topic: topics.alerts, fromBeginning: true });
      await alertsConsumer.run({
        eachMessage: async ({ message }) => {
          const parsed = AlertSchema.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
          if (!parsed.success) return;
          byType[parsed.data.type] = (byType[parsed.data.type] ?? 0) + 1;
          process.stdout.write(`${alertLine(parsed.data, Date.now())}\n`);
        },
      });
      log(
        `demo: ${opts.subjects} subjects from ${new Date(opts.start).toISOString()} at ${speed}x, topics ${stamp}.*`,
      );
      const deviceConfig = `${stamp}.device-config`;
      if (withProfiles) {
        // The publisher follows the tables the simulator is about to publish; the tags obey what
        // it puts on the topic (a fresh key per run: the demo's profiles are throwaway).
        const profilesConfig = loadProfilesConfig({
          ...process.env,
          KAFKA_BROKERS: broker.brokers.join(','),
          TOPIC_ZONES: topics.zones,
          TOPIC_ENROLMENTS: topics.enrolments,
          TOPIC_DEVICE_CONFIG: deviceConfig,
          PROFILES_TRANSACTIONAL_ID: `${stamp}-profiles`,
          PROFILE_SECRET: randomBytes(32).toString('hex'),
          PROFILES_HTTP_PORT: '0',
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'fatal',
        });
        profiles = await startProfiles(profilesConfig, {
          logger: createLogger({
            level: profilesConfig.logLevel,
            name: 'demo-profiles',
            destination: pino.destination(2),
          }),
          profile: profileConfigOf(profilesConfig),
          hash: hmacKeyedHash(profilesConfig.secret),
        });
        await profiles.started;
        feed = await KafkaProfileFeed.start({
          kafka,
          topic: deviceConfig,
          groupId: `${stamp}-sim-profiles`,
          simStart: opts.start,
          deliveryDelayS: 60,
          uploadLatencyS: 2,
        });
      }
      try {
        const summary = await runSimulation(opts, sink, {
          speed,
          ...(feed ? { profiles: feed } : {}),
          beforePings: async () => {
            if (feed) {
              // Give the publisher a moment to publish every tag's profile before the first ping.
              const tags = buildFleet(opts).map((spec) => spec.enrolment.tagId);
              await feed.received(tags, 30_000).catch(() => undefined);
              log(
                `demo: device profiles: ${feed.tagsReceived} of ${opts.subjects} tags have one (publisher metrics on http://127.0.0.1:${profiles?.httpPort}/metrics); tags obey them after a 60 s delivery delay`,
              );
            }
            const config = loadConfig({
              ...process.env,
              KAFKA_BROKERS: broker.brokers.join(','),
              FENCELINE_GROUP_ID: `${stamp}-worker`,
              TOPIC_PINGS: topics.pings,
              TOPIC_ZONES: topics.zones,
              TOPIC_ENROLMENTS: topics.enrolments,
              TOPIC_ALERTS: topics.alerts,
              TOPIC_PINGS_DLQ: topics.pingsDlq,
              TOPIC_STATE_CHANGELOG: topics.stateChangelog,
              HTTP_PORT: process.env.HTTP_PORT ?? '0',
              LOG_LEVEL: process.env.LOG_LEVEL ?? 'fatal',
              // Simulated time runs ahead of the wall clock (--speed): not a clock glitch here.
              CLOCK_GLITCH_MARGIN_S: process.env.CLOCK_GLITCH_MARGIN_S ?? String(30 * 86_400),
            });
            // Worker logs go to stderr: stdout carries only the alert lines.
            const logger = createLogger({
              level: config.logLevel,
              name: 'demo-worker',
              destination: pino.destination(2),
            });
            worker = await startWorker(config, { logger });
            worker.events.on(STREAM_EVENTS.batchCommitted, (e: BatchCommittedEvent) => {
              for (const s of e.alerts)
                if (Number.isFinite(s.fromAppendS)) latencyMs.push(s.fromAppendS * 1000);
            });
            await worker.started;
            centre = await startDemoConsole(broker.brokers, stamp, topics, log);
            // The police side: notifier + a local verify-receiver standing in for a force.
            notify = await startDemoNotify({
              brokers: broker.brokers,
              alertsTopic: topics.alerts,
              stamp,
              logger,
              print: (line) => process.stdout.write(`${line}\n`),
            });
            log(
              `demo: worker ready (metrics on http://127.0.0.1:${worker.httpPort}/metrics); publishing pings, Ctrl-C for the summary`,
            );
          },
          shouldStop: () => stop || (durationS !== undefined && Date.now() - t0 >= durationS * 1000),
        });
        published = summary.pings;
      } finally {
        await sink.close();
      }
      // Give the worker a moment to commit what it has, and the console to print it.
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      process.off('SIGINT', onSigint);
      await feed?.close();
      await profiles?.stop();
      await centre?.stop();
      await notify?.stop();
      await worker?.stop();
      await alertsConsumer.disconnect().catch(() => undefined);
      if (v['keep-topics'] !== true) {
        const mine = (await admin.listTopics().catch(() => [] as string[])).filter((t) =>
          t.startsWith(`${stamp}.`),
        );
        if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
      }
      await admin.disconnect().catch(() => undefined);
      await broker.release();
    }
    const s = summarise(latencyMs);
    const total = Object.values(byType).reduce((a, b) => a + b, 0);
    const lines = [
      '',
      `demo summary: ${published} pings in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${total} alerts`,
      ...Object.entries(byType)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `  ${k.padEnd(20)} ${n}`),
      s.n > 0
        ? `  latency ping publish -> alert committed: p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms (n=${s.n})`
        : '  latency: no alerts yet',
      notify?.summary() ?? '  police notifications: notifier not started',
      feed && profiles
        ? `  device profiles: ${profiles.publisher.stats.profilesWritten} published (${profiles.publisher.stats.tombstonesWritten} tombstones); tags obeyed: ${feed.stats.realTimeFixes} real-time fixes, ${feed.stats.realTimeUploads} real-time uploads, ${(feed.stats.realTimeMs / 3_600_000).toFixed(1)} tag-hours in real-time mode`
        : '  device profiles: off',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      subjects: { type: 'string' },
      speed: { type: 'string' },
      'approach-share': { type: 'string' },
      'duration-s': { type: 'string' },
      seed: { type: 'string' },
      brokers: { type: 'string' },
      'keep-broker': { type: 'boolean' },
      'keep-topics': { type: 'boolean' },
      profiles: { type: 'string' },
    },
    strict: true,
  }).values;
}
