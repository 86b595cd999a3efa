/**
 * `fenceline profiles`: the device-profile publisher (src/stream/profile-publisher.ts) as a
 * process. Reads the zones and enrolments topics in full, keeps `fenceline.device-config` equal
 * to the profiles they imply (exactly once, transactional), and follows changes. Serves
 * /metrics, /healthz and /readyz (src/ops/profiles-runtime.ts). SIGTERM/SIGINT finish the
 * transaction in flight (within 5 s) and exit 0, whatever the state; a failed commit exits 1 (a restart is safe: it
 * reads back what was published). A bad configuration value exits 2 naming the variable.
 */
import { createHmac } from 'node:crypto';
import { DEFAULT_PROFILE_CONFIG, type KeyedHash, type ProfileConfig } from '../engine/index.js';
import { ConfigError, createLogger } from '../ops/index.js';
import { loadProfilesConfig, PROFILES_ENV_VARS, type ProfilesConfig } from '../ops/profiles-config.js';
import { type RunningProfiles, startProfiles } from '../ops/profiles-runtime.js';
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
    const signalled = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    let running: RunningProfiles;
    try {
      running = await startProfiles(config, {
        logger,
        profile: profileConfigOf(config),
        hash: hmacKeyedHash(config.secret),
        onFatal: (err) => fatal?.(err),
      });
    } catch (err) {
      // The HTTP port is taken, or the like: say which, exit 1.
      logger.fatal({ err }, 'profiles publisher failed to start');
      return 1;
    }
    const started = running.started.then(
      () => {
        logger.info({ published: running.publisher.stats }, 'device profiles ready');
        return new Promise<never>(() => {});
      },
      (err: Error) => err,
    );
    const outcome = await Promise.race([
      signalled.then((signal) => ({ kind: 'signal' as const, signal })),
      fatalError.then((err) => ({ kind: 'fatal' as const, err })),
      started.then((err) => ({ kind: 'fatal' as const, err })),
    ]);
    // Whatever the state (starting, live, flushing), stopping is bounded: the transaction in
    // flight gets a few seconds, then the process exits regardless (a restart is safe).
    const stopBounded = () =>
      Promise.race([running.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000).unref())]);
    if (outcome.kind === 'signal') {
      logger.info({ signal: outcome.signal }, 'stopping');
      await stopBounded();
      return 0;
    }
    logger.fatal({ err: outcome.err }, 'profiles publisher failed');
    await stopBounded();
    return 1;
  },
};
