/**
 * `fenceline simulate`: publish a seeded fleet (zones, enrolments, then pings) to Kafka, or to a
 * JSONL file with --out; ground truth to --truth. Same options => same records, byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEFAULT_DEVICE_CONFIG_TOPIC, DEFAULT_TOPICS, type TopicNames } from '../contract/index.js';
import { DEFAULT_PROFILE_CONFIG } from '../engine/index.js';
import { createKafka, type KafkaConnectionConfig } from '../kafka/connection.js';
import { ConfigError, loadKafkaConnection } from '../ops/index.js';
import type { DeviceProfileFeed } from '../sim/device-mode.js';
import { buildFleet } from '../sim/fleet.js';
import { KafkaProfileFeed } from '../sim/kafka-profile-feed.js';
import { KafkaSink } from '../sim/kafka-sink.js';
import { runSimulation } from '../sim/run-simulation.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../sim/sim-options.js';
import { FileSink, type SimSink } from '../sim/sinks.js';
import type { Subcommand } from './main.js';
import { hmacKeyedHash } from './profiles-command.js';
import { inProcessProfileFeed } from './sim-profiles.js';

const USAGE = `Usage: fenceline simulate [options]

  --subjects <n>         subjects (one tag each)                 default ${DEFAULT_SIM_OPTIONS.subjects}
  --seed <n>             PRNG seed (same seed => same fleet)      default ${DEFAULT_SIM_OPTIONS.seed}
  --duration <hours>     simulated hours                          default ${DEFAULT_SIM_OPTIONS.durationH}
  --start <epoch-ms|ISO> simulated start                          default ${new Date(DEFAULT_SIM_OPTIONS.start).toISOString()}
  --approach-share <f>   share of subjects making approach trips  default ${DEFAULT_SIM_OPTIONS.approachShare}
  --curfew-breach <f>    chance per subject-day of a late return  default ${DEFAULT_SIM_OPTIONS.curfewBreachShare}
  --rate <pings/s>       pace publishing (default: as fast as possible)
  --speed <x>            pace by simulated time: x simulated seconds per second
  --brokers <list>       Kafka bootstrap servers                  default $KAFKA_BROKERS or 127.0.0.1:9092
  --partitions <n>       partitions if the pings topic is created default 12
  --topic-pings <name>   (also --topic-zones, --topic-enrolments)  defaults from the contract
  --out <file.jsonl>     write {topic,key,timestamp,value} lines instead of publishing to Kafka
  --truth <file.jsonl>   write ground truth (true entries/exits, curfew breaches, tamper, low battery)
  --quiet                no progress on stderr
  --profiles <source>    device profiles the tags obey: off, engine (computed in-process; key $PROFILE_SECRET,
                         else random) or kafka (consumed from the device-config topic that
                         \`fenceline profiles\` publishes; tombstones remove a tag's profile)   default off
  --device-profiles      same as --profiles engine
  --profile-delay-s <s>  profile publish -> on the device                      default 60
  --topic-device-config <name>  topic for --profiles kafka  default $TOPIC_DEVICE_CONFIG or ${DEFAULT_DEVICE_CONFIG_TOPIC}
  --profiles-wait-s <s>  --profiles kafka: before the first ping, wait up to s seconds until every
                         simulated tag has received its profile (then go on regardless)   default 30`;

export function parseNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new Error(`--${name}: not a number: ${raw}`);
  return v;
}

export function parseStart(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(v)) throw new Error(`--start: not an epoch-ms or ISO time: ${raw}`);
  return v;
}

export const SIM_ARG_OPTIONS = {
  subjects: { type: 'string' },
  seed: { type: 'string' },
  duration: { type: 'string' },
  start: { type: 'string' },
  'approach-share': { type: 'string' },
  'curfew-breach': { type: 'string' },
} as const;

/** SimOptions from parsed flags (shared with bench and demo). */
export function simOptionsFrom(
  values: Record<string, string | boolean | undefined>,
  base: SimOptions,
): SimOptions {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const opts: SimOptions = {
    ...base,
    subjects: parseNumber('subjects', str('subjects'), base.subjects),
    seed: parseNumber('seed', str('seed'), base.seed),
    durationH: parseNumber('duration', str('duration'), base.durationH),
    start: parseStart(str('start'), base.start),
    approachShare: parseNumber('approach-share', str('approach-share'), base.approachShare),
    curfewBreachShare: parseNumber('curfew-breach', str('curfew-breach'), base.curfewBreachShare),
  };
  if (!Number.isInteger(opts.subjects) || opts.subjects < 1)
    throw new Error('--subjects: must be a positive integer');
  if (opts.durationH <= 0) throw new Error('--duration: must be > 0 hours');
  if (opts.approachShare < 0 || opts.approachShare > 1)
    throw new Error('--approach-share: must be in [0, 1]');
  return opts;
}

export const simulateCommand: Subcommand = {
  summary: 'publish a seeded simulated fleet (zones, enrolments, pings) to Kafka or a file',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    let values: Record<string, string | boolean | undefined>;
    let opts: SimOptions;
    let profileSource: ProfileSource;
    let delayS: number;
    let waitS: number;
    try {
      values = parseArgs({
        args: argv,
        options: {
          ...SIM_ARG_OPTIONS,
          rate: { type: 'string' },
          speed: { type: 'string' },
          brokers: { type: 'string' },
          partitions: { type: 'string' },
          'topic-pings': { type: 'string' },
          'topic-zones': { type: 'string' },
          'topic-enrolments': { type: 'string' },
          out: { type: 'string' },
          truth: { type: 'string' },
          quiet: { type: 'boolean' },
          'device-profiles': { type: 'boolean' },
          profiles: { type: 'string' },
          'profile-delay-s': { type: 'string' },
          'topic-device-config': { type: 'string' },
          'profiles-wait-s': { type: 'string' },
        },
        strict: true,
      }).values;
      opts = simOptionsFrom(values, DEFAULT_SIM_OPTIONS);
      profileSource = parseProfileSource(values);
      delayS = parseNumber('profile-delay-s', str0(values, 'profile-delay-s'), 60);
      waitS = parseNumber('profiles-wait-s', str0(values, 'profiles-wait-s'), 30);
      if (delayS < 0) throw new Error('--profile-delay-s: must be >= 0');
      if (waitS < 0) throw new Error('--profiles-wait-s: must be >= 0');
    } catch (err) {
      process.stderr.write(`fenceline simulate: ${(err as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    const topics: TopicNames = {
      ...DEFAULT_TOPICS,
      pings: str('topic-pings') ?? process.env.TOPIC_PINGS ?? DEFAULT_TOPICS.pings,
      zones: str('topic-zones') ?? process.env.TOPIC_ZONES ?? DEFAULT_TOPICS.zones,
      enrolments: str('topic-enrolments') ?? process.env.TOPIC_ENROLMENTS ?? DEFAULT_TOPICS.enrolments,
    };
    const out = str('out');
    // --brokers overrides KAFKA_BROKERS; TLS and SASL come from the same variables as the worker's.
    let connection: KafkaConnectionConfig;
    try {
      const brokersFlag = str('brokers');
      connection = loadKafkaConnection(
        brokersFlag !== undefined ? { ...process.env, KAFKA_BROKERS: brokersFlag } : process.env,
      );
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      process.stderr.write(`fenceline simulate: invalid configuration: ${err.message}\n`);
      return 2;
    }
    const brokers = connection.brokers;
    const sink: SimSink = out
      ? new FileSink(out, topics)
      : await KafkaSink.connect({
          kafka: createKafka(connection, 'fenceline-sim', { retry: { initialRetryTime: 300, retries: 10 } }),
          topics,
          pingsPartitions: parseNumber('partitions', str('partitions'), 12),
        });
    const deviceConfigTopic =
      str('topic-device-config') ?? process.env.TOPIC_DEVICE_CONFIG ?? DEFAULT_DEVICE_CONFIG_TOPIC;
    const fleet = profileSource === 'off' ? [] : buildFleet(opts);
    let kafkaFeed: KafkaProfileFeed | undefined;
    let profiles: DeviceProfileFeed | undefined;
    try {
      if (profileSource === 'engine') {
        profiles = inProcessProfileFeed(opts, fleet, {
          profile: DEFAULT_PROFILE_CONFIG,
          hash: hmacKeyedHash(process.env.PROFILE_SECRET || randomBytes(32).toString('hex')),
          deliveryDelayS: delayS,
          uploadLatencyS: 2,
        });
      } else if (profileSource === 'kafka') {
        kafkaFeed = await KafkaProfileFeed.start({
          kafka: createKafka(connection, 'fenceline-sim-profiles', {
            retry: { initialRetryTime: 300, retries: 10 },
          }),
          topic: deviceConfigTopic,
          groupId: `fenceline-sim-profiles-${randomBytes(6).toString('hex')}`,
          simStart: opts.start,
          deliveryDelayS: delayS,
          uploadLatencyS: 2,
        });
        profiles = kafkaFeed;
      }
    } catch (err) {
      await sink.close().catch(() => undefined);
      throw err;
    }
    // Before the first ping: read what is on the topic, then give the publisher (which has just
    // seen the zones and enrolments) time to publish a profile for every tag of the fleet.
    // Ctrl-C while waiting ends the wait (the run then stops before its first ping).
    let interruptWait: () => void = () => {};
    const waitInterrupted = new Promise<void>((resolve) => {
      interruptWait = resolve;
    });
    const awaitProfiles = async (feed: KafkaProfileFeed) => {
      await Promise.race([feed.caughtUp(60_000), waitInterrupted]);
      if (waitS > 0) {
        await Promise.race([
          feed
            .received(
              fleet.map((s) => s.enrolment.tagId),
              waitS * 1000,
            )
            .catch(() => undefined),
          waitInterrupted,
        ]);
      }
      process.stderr.write(
        `fenceline simulate: device profiles from ${deviceConfigTopic}: ${feed.tagsReceived} of ${fleet.length} tags have one\n`,
      );
    };
    let interrupted = false;
    const onSigint = () => {
      interrupted = true;
      interruptWait();
    };
    process.once('SIGINT', onSigint);
    try {
      const rate = str('rate');
      const speed = str('speed');
      const summary = await runSimulation(opts, sink, {
        ...(rate !== undefined ? { rate: parseNumber('rate', rate, 0) } : {}),
        ...(speed !== undefined ? { speed: parseNumber('speed', speed, 0) } : {}),
        ...(str('truth') !== undefined ? { truthPath: str('truth')! } : {}),
        progress: values.quiet !== true,
        shouldStop: () => interrupted,
        ...(profiles ? { profiles } : {}),
        ...(kafkaFeed ? { beforePings: () => awaitProfiles(kafkaFeed) } : {}),
      });
      process.stderr.write(
        `${JSON.stringify({
          destination: out ?? brokers.join(','),
          subjects: opts.subjects,
          seed: opts.seed,
          zones: summary.zones,
          enrolments: summary.enrolments,
          pings: summary.pings,
          fixes: summary.fixes,
          truth: summary.truth,
          ...(profiles
            ? {
                profiles: profileSource,
                realTimeFixes: profiles.stats.realTimeFixes,
                realTimeUploads: profiles.stats.realTimeUploads,
              }
            : {}),
          ...(kafkaFeed
            ? { profilesReceived: kafkaFeed.counts, tagsWithProfile: kafkaFeed.tagsReceived }
            : {}),
          wallS: summary.wallMs / 1000,
          stoppedEarly: summary.stoppedEarly,
        })}\n`,
      );
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
      await kafkaFeed?.close();
      await sink.close();
    }
  },
};

type ProfileSource = 'off' | 'engine' | 'kafka';

function str0(values: Record<string, string | boolean | undefined>, k: string): string | undefined {
  return typeof values[k] === 'string' ? (values[k] as string) : undefined;
}

/** --profiles off|engine|kafka; --device-profiles is the older spelling of engine. */
export function parseProfileSource(values: Record<string, string | boolean | undefined>): ProfileSource {
  const raw = str0(values, 'profiles');
  if (raw === undefined) return values['device-profiles'] === true ? 'engine' : 'off';
  if (raw !== 'off' && raw !== 'engine' && raw !== 'kafka')
    throw new Error(`--profiles: expected off, engine or kafka, got ${JSON.stringify(raw)}`);
  if (values['device-profiles'] === true && raw !== 'engine')
    throw new Error('--device-profiles contradicts --profiles; use one');
  return raw;
}
