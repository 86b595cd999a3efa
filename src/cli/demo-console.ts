/**
 * The console inside `fenceline demo`: the run's own topics, a throwaway users file with one
 * demo supervisor, and its URL and login printed so a newcomer can watch breaches arrive on the
 * map. CONSOLE_PORT (default 8480) and CONSOLE_HOST apply as for `fenceline console`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConsoleConfig } from '../console/config.js';
import { type RunningConsole, startConsole } from '../console/server.js';
import { hashPassword, writeUsers } from '../console/users-file.js';
import { createLogger } from '../ops/index.js';

export const DEMO_LOGIN = { user: 'demo', password: 'fenceline-demo' } as const;

export interface DemoTopics {
  alerts: string;
  pings: string;
  zones: string;
  enrolments: string;
}

export async function startDemoConsole(
  brokers: readonly string[],
  stamp: string,
  topics: DemoTopics,
  log: (line: string) => void,
): Promise<{ console: RunningConsole; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fenceline-demo-console-'));
  const usersFile = join(dir, 'users.json');
  await writeUsers(usersFile, [await hashPassword(DEMO_LOGIN.user, 'supervisor', DEMO_LOGIN.password)]);
  const config = loadConsoleConfig({
    ...process.env,
    KAFKA_BROKERS: brokers.join(','),
    TOPIC_ALERTS: topics.alerts,
    // The tags' own pings: the subject view's last fix, battery, strap and the map's track.
    TOPIC_PINGS: topics.pings,
    TOPIC_ZONES: topics.zones,
    TOPIC_ENROLMENTS: topics.enrolments,
    TOPIC_ALERT_ACTIONS: `${stamp}.alert-actions`,
    TOPIC_NOTIFICATIONS: `${stamp}.notifications`,
    TOPIC_CONSOLE_AUDIT: `${stamp}.console-audit`,
    CONSOLE_USERS_FILE: usersFile,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'fatal',
  });
  const logger = createLogger({
    level: config.logLevel,
    name: 'demo-console',
    destination: pino.destination(2),
  });
  const running = await startConsole(config, logger);
  await running.ready;
  log(`demo: console on ${running.url}/ - log in as ${DEMO_LOGIN.user} / ${DEMO_LOGIN.password}`);
  return {
    console: running,
    async stop() {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
