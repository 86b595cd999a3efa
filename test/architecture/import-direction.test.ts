/**
 * The house's one-way street, checked on the source: contract → geo → engine → stream → ops →
 * cli, with ops never importing the engine; the simulator and the centre's incident fold import
 * only the contract; the console and the notifier sit on stream and ops, below the CLI; the one
 * Kafka connection module (kafka/) imports nothing else of ours and the local broker launcher only
 * it; nothing under src/ imports bench/ (the benchmarks depend on src, never the reverse), and
 * the build does not compile bench/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/** Layers in order; a module may import its own layer and those before it. */
const LAYERS = ['contract', 'geo', 'engine', 'stream', 'ops', 'cli'] as const;
/** Side folders: what each may import besides itself. */
const SIDE: Record<string, readonly string[]> = {
  sim: ['contract'],
  kafka: [],
  'local-kafka': ['kafka'],
  // The monitoring centre: a pure incident fold over the contract, and two services on top of the
  // stream and ops layers (the console over the fold; the notifier with its own pure core).
  centre: ['contract'],
  console: ['contract', 'centre', 'stream', 'ops', 'kafka'],
  notify: ['contract', 'stream', 'ops', 'kafka'],
};
/** Layers a layer must not reach past: ops wires the stream, and the stream alone meets the engine. */
const SKIP: Record<string, readonly string[]> = { ops: ['engine', 'geo'] };
/**
 * Side folders a layer may use (the composition root wires the simulator and the local broker;
 * kafka/ is the one connection module every Kafka client is built by).
 */
const LAYER_EXTRAS: Record<string, readonly string[]> = {
  stream: ['kafka'],
  ops: ['local-kafka', 'kafka'],
  cli: ['local-kafka', 'sim', 'kafka', 'centre', 'console', 'notify'],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
}

/** `src/engine`, `bench`, ... for a resolved path. */
function area(path: string): string {
  const parts = relative(ROOT, path).split('/');
  return parts[0] === 'src' ? `src/${parts[1]}` : parts[0]!;
}

function allowed(folder: string): Set<string> {
  const layer = LAYERS.indexOf(folder as (typeof LAYERS)[number]);
  const names =
    layer >= 0
      ? [
          ...LAYERS.slice(0, layer + 1).filter((l) => !(SKIP[folder] ?? []).includes(l)),
          ...(LAYER_EXTRAS[folder] ?? []),
        ]
      : [folder, ...(SIDE[folder] ?? [])];
  return new Set(names.map((n) => `src/${n}`));
}

function violations(): string[] {
  const out: string[] = [];
  for (const file of filesUnder(SRC)) {
    const folder = relative(SRC, file).split('/')[0]!;
    const ok = allowed(folder);
    for (const spec of relativeImports(file)) {
      const target = area(resolve(dirname(file), spec));
      if (!ok.has(target)) out.push(`${relative(ROOT, file)} imports ${spec} (${target})`);
    }
  }
  return out;
}

describe('import direction', () => {
  it('flows one way: contract → geo → engine → stream → ops → cli; sim sees only the contract; nothing in src imports bench', () => {
    expect(violations()).toEqual([]);
  });

  it('does not compile bench/ into the build', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      include: string[];
    };
    expect(build.include).toEqual(['src']);
  });
});
