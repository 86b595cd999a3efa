#!/usr/bin/env node
/**
 * The `fenceline` command. Each subcommand lives in its own module and is loaded only when
 * asked for, so `fenceline kafka status` does not pay for the engine or kafkajs.
 */
import { isEntryPoint } from './entry-point.js';

/** How long the process may linger after its command finished before it exits anyway. */
const EXIT_GRACE_MS = 3_000;

export interface Subcommand {
  summary: string;
  usage: string;
  /** Runs the subcommand; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  kafka: async () => (await import('./kafka-command.js')).kafkaCommand,
  worker: async () => (await import('./worker-command.js')).workerCommand,
  simulate: async () => (await import('./simulate-command.js')).simulateCommand,
  demo: async () => (await import('./demo-command.js')).demoCommand,
  console: async () => (await import('./console-command.js')).consoleCommand,
  notify: async () => (await import('./notify-command.js')).notifyCommand,
  profiles: async () => (await import('./profiles-command.js')).profilesCommand,
};

async function help(): Promise<string> {
  const lines = ['Usage: fenceline <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(SUBCOMMANDS)) {
    const cmd = await load();
    lines.push(`  ${name.padEnd(10)} ${cmd.summary}`);
  }
  lines.push('', 'Run `fenceline <command> --help` for a command’s options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return name === undefined ? 1 : 0;
  }
  const load = SUBCOMMANDS[name];
  if (!load) {
    console.error(`fenceline: unknown command "${name}"\n\n${await help()}`);
    return 2;
  }
  const cmd = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${cmd.summary}\n\n${cmd.usage}`);
    return 0;
  }
  return cmd.run(rest);
}

if (isEntryPoint(import.meta.url, process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // The command is done (or has stopped on SIGTERM). A client library may still hold a socket
      // or a timer (kafkajs rejoining a group, say); the process ends anyway, with this code.
      setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exitCode = 1;
      // A command that threw may have left a client connected (a producer it never closed).
      setTimeout(() => process.exit(1), EXIT_GRACE_MS).unref();
    },
  );
}
