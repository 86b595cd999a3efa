import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEntryPoint } from '../../src/cli/entry-point.js';

/**
 * The `fenceline` bin run the way npm installs it. npm never runs a bin by its own path: it links
 * node_modules/<pkg> to the package and node_modules/.bin/<bin> to the bin file (relative links),
 * marks the file executable, and `npx`, npm scripts and the shell all start it through that
 * symlink. `npm run build` must have run (npm test does it first).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { fenceline: string } };
const BIN_TARGET = PKG.bin.fenceline;
const BIN = join(ROOT, BIN_TARGET);
const NODE_DIR = dirname(process.execPath);
const USAGE = 'Usage: fenceline <command> [options]';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A clean environment: no npm_* variables leaking from an outer `npm test`, offline, own cache. */
function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  env.PATH = `${NODE_DIR}:${process.env.PATH ?? ''}`;
  env.HOME = home;
  env.npm_config_cache = join(home, 'npm-cache');
  env.npm_config_offline = 'true';
  // A registry nobody answers: if npx ever tried to fetch, the run fails instead of downloading.
  env.npm_config_registry = 'http://127.0.0.1:9/';
  env.npm_config_update_notifier = 'false';
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  return env;
}

async function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd, env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the installed fenceline bin', () => {
  let dir: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN_TARGET} is missing: run \`npm run build\` first`);
    // What npm (bin-links) does on install: make the bin's target executable.
    chmodSync(BIN, statSync(BIN).mode | 0o111);
    dir = mkdtempSync(join(tmpdir(), 'fenceline-bin-'));
    env = cleanEnv(dir);
    // A project that depends on fenceline, laid out as `npm install` leaves it.
    project = join(dir, 'project');
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'uses-fenceline', version: '1.0.0', private: true, dependencies: { fenceline: `file:${ROOT}` } }, null, 2)}\n`,
    );
    symlinkSync(ROOT, join(project, 'node_modules', 'fenceline'), 'dir');
    symlinkSync(join('..', 'fenceline', BIN_TARGET), join(project, 'node_modules', '.bin', 'fenceline'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the usage when run through its node_modules/.bin symlink', async () => {
    const result = await run(join(project, 'node_modules', '.bin', 'fenceline'), ['--help'], project, env);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(USAGE);
    expect(result.stdout).toContain('worker');
    expect(result.code).toBe(0);
  });

  it('prints the usage when node is given the symlink (as `npm link` and -g installs run it)', async () => {
    const result = await run(
      process.execPath,
      [join(project, 'node_modules', '.bin', 'fenceline'), '--help'],
      dir,
      env,
    );
    expect(result.stdout).toContain(USAGE);
    expect(result.code).toBe(0);
  });

  it('prints the usage through `npx --no-install fenceline --help`, offline', async () => {
    const npx = join(NODE_DIR, 'npx');
    expect(existsSync(npx), `npx next to node at ${npx}`).toBe(true);
    const result = await run(npx, ['--no-install', 'fenceline', '--help'], project, env);
    expect(result.stdout).toContain(USAGE);
    expect(result.code).toBe(0);
  });

  it('still runs by its own path, and a subcommand’s --help works through the symlink', async () => {
    const direct = await run(process.execPath, [BIN, '--help'], dir, env);
    expect(direct.stdout).toContain(USAGE);
    const sub = await run(
      join(project, 'node_modules', '.bin', 'fenceline'),
      ['kafka', '--help'],
      project,
      env,
    );
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('fenceline kafka');
  });

  it('with no command, prints the usage and exits 1 (never silently 0)', async () => {
    const result = await run(join(project, 'node_modules', '.bin', 'fenceline'), [], project, env);
    expect(result.stdout).toContain(USAGE);
    expect(result.code).toBe(1);
  });
});

describe('isEntryPoint', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fenceline-entry-'));
    writeFileSync(join(dir, 'real.js'), '');
    writeFileSync(join(dir, 'other.js'), '');
    mkdirSync(join(dir, 'bin'));
    symlinkSync(join('..', 'real.js'), join(dir, 'bin', 'link'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('matches the module by its path, a relative path, and through a symlink', () => {
    const url = pathToFileURL(join(dir, 'real.js')).href;
    expect(isEntryPoint(url, join(dir, 'real.js'))).toBe(true);
    expect(isEntryPoint(url, relative(process.cwd(), join(dir, 'real.js')))).toBe(true);
    expect(isEntryPoint(url, join(dir, 'bin', 'link'))).toBe(true);
  });

  it('does not match another file, a missing argv[1], or a path that does not exist', () => {
    const url = pathToFileURL(join(dir, 'real.js')).href;
    expect(isEntryPoint(url, join(dir, 'other.js'))).toBe(false);
    expect(isEntryPoint(url, undefined)).toBe(false);
    expect(isEntryPoint(url, '')).toBe(false);
    expect(isEntryPoint(url, join(dir, 'missing.js'))).toBe(false);
  });
});
