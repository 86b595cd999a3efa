/**
 * Shared set-up for the console's integration and browser tests: unique topics, a users file,
 * an in-process console whose log lines are captured, and a Chromium launched the way
 * /work/shared/notes/browser-tests.md says works on these machines.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Browser, chromium } from 'playwright-core';
import { type ConsoleConfig, loadConsoleConfig } from '../../src/console/config.js';
import { type RunningConsole, startConsole } from '../../src/console/server.js';
import { hashPassword, writeUsers } from '../../src/console/users-file.js';
import type { ConsoleRole } from '../../src/contract/index.js';
import { createLogger } from '../../src/ops/logger.js';
import { createTopics, uniqueTopic } from '../setup/kafka-test-utils.js';

export const PASSWORD = 'correct horse battery';
export const USERS: Array<[string, ConsoleRole]> = [
  ['olga', 'operator'],
  ['piet', 'operator'],
  ['sam', 'supervisor'],
  ['ada', 'auditor'],
];

export interface Harness {
  env: Record<string, string>;
  topics: ConsoleConfig['topics'];
  /** The tags' pings (device status and tracks), kept apart from the fold's topics. */
  pingsTopic: string;
  logs: string[];
}

export async function makeHarness(
  brokers: string,
  prefix: string,
  extraEnv: Record<string, string> = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), `fenceline-${prefix}-`));
  const usersFile = join(dir, 'users.json');
  await writeUsers(
    usersFile,
    await Promise.all(USERS.map(([name, role]) => hashPassword(name, role, PASSWORD))),
  );
  const topics = {
    alerts: uniqueTopic(`${prefix}-alerts`),
    alertActions: uniqueTopic(`${prefix}-actions`),
    notifications: uniqueTopic(`${prefix}-notifications`),
    consoleAudit: uniqueTopic(`${prefix}-audit`),
    zones: uniqueTopic(`${prefix}-zones`),
    enrolments: uniqueTopic(`${prefix}-enrolments`),
  };
  const pingsTopic = uniqueTopic(`${prefix}-pings`);
  const compact = [{ name: 'cleanup.policy', value: 'compact' }];
  await createTopics(brokers, [
    { topic: topics.alerts, numPartitions: 3 },
    { topic: pingsTopic, numPartitions: 3 },
    { topic: topics.zones, configEntries: compact },
    { topic: topics.enrolments, configEntries: compact },
  ]);
  const env = {
    KAFKA_BROKERS: brokers,
    TOPIC_ALERTS: topics.alerts,
    TOPIC_ALERT_ACTIONS: topics.alertActions,
    TOPIC_NOTIFICATIONS: topics.notifications,
    TOPIC_CONSOLE_AUDIT: topics.consoleAudit,
    TOPIC_ZONES: topics.zones,
    TOPIC_ENROLMENTS: topics.enrolments,
    TOPIC_PINGS: pingsTopic,
    CONSOLE_PORT: '0',
    CONSOLE_USERS_FILE: usersFile,
    LOG_LEVEL: 'debug',
    ...extraEnv,
  };
  return { env, topics, pingsTopic, logs: [] };
}

export async function launchConsole(h: Harness): Promise<RunningConsole> {
  const destination = new Writable({
    write(chunk, _enc, done) {
      h.logs.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const logger = createLogger({ level: 'debug', name: 'console-test', destination });
  const running = await startConsole(loadConsoleConfig(h.env), logger);
  await running.ready;
  return running;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
