/**
 * `fenceline console`: the monitoring-centre web console (src/console), and
 * `fenceline console users add|remove|list` to manage its local users file.
 * SIGTERM/SIGINT close HTTP and event streams, then the Kafka clients, and exit 0.
 */

import { CONSOLE_ENV_VARS, type ConsoleConfig, loadConsoleConfig } from '../console/config.js';
import { startConsole } from '../console/server.js';
import { hashPassword, readUsers, USER_NAME, writeUsers } from '../console/users-file.js';
import { ConsoleRole } from '../contract/index.js';
import { ConfigError, createLogger } from '../ops/index.js';
import type { Subcommand } from './main.js';

const USAGE = [
  'Usage: fenceline console                          serve the console',
  '       fenceline console users list',
  '       fenceline console users add <name> --role operator|supervisor|auditor   (password on stdin)',
  '       fenceline console users remove <name>',
  '',
  'Configured by environment variables:',
  '',
  ...Object.entries(CONSOLE_ENV_VARS).map(
    ([name, doc]) =>
      `  ${name.padEnd(28)} ${doc.meaning} (default ${typeof doc.default === 'string' ? doc.default : 'per process'})`,
  ),
].join('\n');

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function users(argv: string[], file: string): Promise<number> {
  const [verb, name] = argv;
  const list = await readUsers(file);
  switch (verb) {
    case 'list':
      for (const u of list) console.log(`${u.name}\t${u.role}`);
      return 0;
    case 'add': {
      const roleAt = argv.indexOf('--role');
      const role = ConsoleRole.safeParse(roleAt === -1 ? undefined : argv[roleAt + 1]);
      if (name === undefined || !USER_NAME.test(name)) {
        console.error('fenceline console users add: name: expected 1..64 of A-Z a-z 0-9 . _ @ -');
        return 2;
      }
      if (!role.success) {
        console.error('fenceline console users add: --role: expected operator, supervisor or auditor');
        return 2;
      }
      const password = await readStdinLine();
      if (password.length < 8) {
        console.error('fenceline console users add: password (stdin): expected at least 8 characters');
        return 2;
      }
      const entry = await hashPassword(name, role.data, password);
      await writeUsers(file, [...list.filter((u) => u.name !== name), entry]);
      console.log(`${name}\t${role.data}\t${list.some((u) => u.name === name) ? 'updated' : 'added'}`);
      return 0;
    }
    case 'remove': {
      if (name === undefined || !list.some((u) => u.name === name)) {
        console.error(`fenceline console users remove: no user ${JSON.stringify(name ?? '')}`);
        return 1;
      }
      await writeUsers(
        file,
        list.filter((u) => u.name !== name),
      );
      console.log(`${name}\tremoved`);
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

export const consoleCommand: Subcommand = {
  summary: 'serve the monitoring-centre console (queue, incidents, map, actions)',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    let config: ConsoleConfig;
    try {
      config = loadConsoleConfig(process.env);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`fenceline console: invalid configuration: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    if (argv[0] === 'users') return users(argv.slice(1), config.usersFile);
    const logger = createLogger({ level: config.logLevel, name: 'fenceline-console' });
    const running = await startConsole(config, logger);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    logger.info({ signal }, 'stopping');
    await Promise.race([running.stop(), new Promise((r) => setTimeout(r, 8000))]);
    return 0;
  },
};
