/**
 * `fenceline profiles`: the device-profile publisher (src/stream/profile-publisher.ts) as a
 * process. Reads the zones and enrolments topics in full, keeps `fenceline.device-config` equal
 * to the profiles they imply (exactly once, transactional), and follows changes. SIGTERM/SIGINT
 * finish the transaction in flight and exit 0; a failed commit exits 1 (a restart is safe: it
 * reads back what was published). A bad configuration value exits 2 naming the variable.
 */
import { createHmac } from 'node:crypto';
import { DEFAULT_PROFILE_CONFIG, type KeyedHash, type ProfileConfig } from '../engine/index.js';
import { ConfigError, createLogger } from '../ops/index.js';
import { loadProfilesConfig, PROFILES_ENV_VARS, type ProfilesConfig } from '../ops/profiles-config.js';
import { createKafka } from '../stream/kafka-client.js';
import { ProfilePublisher } from '../stream/profile-publisher.js';
import type { Subcommand } from './main.js';

const USAGE = [
  'Usage: fenceline profiles',
  '',
  'Publishes each enrolled tag’s device profile (where to report in real time) to the',
  'compacted device-config topic, and keeps it current. Configured by environment variables:',
  '',
  ...Object.entries(PROFILES_ENV_VARS).map(
    ([name, doc]) =>
      `  ${name.padEnd(26)} ${doc.meaning}${doc.default === undefined ? '' : ` (default ${doc.default})`}`,
  ),
].join('\n');

/** HMAC-SHA256 under the server-side secret: the engine only sees this function. */
export function hmacKeyedHash(secret: string): KeyedHash {
  return (message) => createHmac('sha256', secret).update(message).digest();
}

export function profileConfigOf(c: ProfilesConfig): ProfileConfig {
  return {
    ...DEFAULT_PROFILE_CONFIG,
    offsetRadiusM: c.offsetRadiusM,
    speedMarginM: c.speedMarginM,
    horizonMs: Math.round(c.horizonH * 3_600_000),
    curfewInsetM: c.curfewInsetM,
    realTime: { fixIntervalS: c.fixIntervalS, uploadWithinS: c.uploadWithinS },
  };
}

export const profilesCommand: Subcommand = {
  summary: 'publish device profiles (tags learn where to report in real time)',
  usage: USAGE,
  async run(): Promise<number> {
    let config: ProfilesConfig;
    try {
      config = loadProfilesConfig(process.env);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`fenceline profiles: invalid configuration: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    const logger = createLogger({ level: config.logLevel, name: 'fenceline-profiles' });
    let fatal: ((err: Error) => void) | undefined;
    const fatalError = new Promise<Error>((resolve) => {
      fatal = resolve;
    });
    const publisher = new ProfilePublisher({
      kafka: createKafka(config.kafka, logger),
      logger,
      topics: config.topics,
      createTopics: config.createTopics,
      deviceConfigPartitions: config.deviceConfigPartitions,
      transactionalId: config.transactionalId,
      groupPrefix: `${config.transactionalId}.tables`,
      profile: profileConfigOf(config),
      hash: hmacKeyedHash(config.secret),
      clock: Date.now,
      flushIntervalMs: config.flushIntervalMs,
      onFatal: (err) => fatal?.(err),
    });
    const signalled = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    const started = publisher.start().then(
      () => {
        logger.info({ published: publisher.stats }, 'device profiles ready');
        return new Promise<never>(() => {});
      },
      (err: Error) => err,
    );
    const outcome = await Promise.race([
      signalled.then((signal) => ({ kind: 'signal' as const, signal })),
      fatalError.then((err) => ({ kind: 'fatal' as const, err })),
      started.then((err) => ({ kind: 'fatal' as const, err })),
    ]);
    if (outcome.kind === 'signal') {
      logger.info({ signal: outcome.signal }, 'stopping');
      await Promise.race([publisher.stop(), new Promise((r) => setTimeout(r, 10_000))]);
      return 0;
    }
    logger.fatal({ err: outcome.err }, 'profiles publisher failed');
    await Promise.race([publisher.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    return 1;
  },
};
