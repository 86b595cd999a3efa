/**
 * A/B of two engine builds on the same seeded decision-core fixture (bench/core.bench.ts), in
 * one process: the fixes are replayed in chunks, A's chunk then B's chunk (then B first, then A,
 * in turn), each engine on its own tag states. On a shared, loaded machine both see the same
 * load within milliseconds, so the ratio is steadier than either figure. B is this checkout; A
 * is another checkout's src/engine (e.g. `git archive <commit> src` unpacked somewhere, with
 * node_modules linked to this one's). Both must raise the same alerts.
 *
 * With `--own-world` each side also compiles and indexes the zones with its own code (A's
 * bench/core.bench.ts buildCoreFixture, same seed, so the same zones and fixes): for changes to
 * the compiled zone or the index themselves, which A's engine could not read from B's world.
 *
 *   npx tsx --expose-gc --max-old-space-size=8192 bench/core-ab.ts <dir-of-A-checkout> [zones] [passes]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Alert } from '../src/contract/index.js';
import {
  applyPing,
  DEFAULT_ENGINE_CONFIG,
  newTagState,
  type TagState,
  type World,
} from '../src/engine/index.js';
import { buildCoreFixture } from './core.bench.js';

const ownWorld = process.argv.includes('--own-world');
const args = process.argv.slice(2).filter((x) => x !== '--own-world');
const aDir = args[0];
if (aDir === undefined) {
  throw new Error('usage: core-ab.ts <dir-of-A-checkout> [zones] [passes] [--own-world]');
}
const zones = Number(args[1] ?? 100_000);
const passes = Number(args[2] ?? 3);
const a = (await import(pathToFileURL(join(aDir, 'src/engine/index.ts')).href)) as {
  applyPing: typeof applyPing;
};
const fixCount = 300_000;
const { world, fx, active } = buildCoreFixture(zones, 'circle', fixCount, 1);
let worldA: World = world;
if (ownWorld) {
  const aBench = (await import(pathToFileURL(join(aDir, 'bench/core.bench.ts')).href)) as {
    buildCoreFixture: typeof buildCoreFixture;
  };
  const other = aBench.buildCoreFixture(zones, 'circle', fixCount, 1);
  const same = other.fx.pings.every((p, i) => JSON.stringify(p) === JSON.stringify(fx.pings[i]));
  if (!same || other.fx.pings.length !== fx.pings.length) throw new Error('A and B fixtures differ');
  worldA = other.world;
}
const CHUNK = 5_000;

interface Side {
  apply: typeof applyPing;
  world: World;
  states: Map<string, TagState>;
  alerts: number;
  cpuUs: number;
  wallMs: number;
}
const side = (apply: typeof applyPing, w: World): Side => ({
  apply,
  world: w,
  states: new Map(),
  alerts: 0,
  cpuUs: 0,
  wallMs: 0,
});

function chunk(s: Side, from: number, to: number, timed: boolean): void {
  const out: Alert[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = from; i < to; i++) {
    const ping = fx.pings[i]!;
    let st = s.states.get(ping.tagId);
    if (st === undefined) {
      st = newTagState(ping.tagId);
      s.states.set(ping.tagId, st);
    }
    out.length = 0;
    s.apply(s.world, DEFAULT_ENGINE_CONFIG, st, ping, ping.ts, ping.ts, out);
    s.alerts += out.length;
  }
  if (!timed) return;
  s.wallMs += performance.now() - t0;
  const c = process.cpuUsage(c0);
  s.cpuUs += c.user + c.system;
}

const results: string[] = [];
for (let p = 0; p < passes; p++) {
  // Each pass replays the whole fixture on fresh states; the first `warm` fixes are not timed.
  const A = side(a.applyPing, worldA);
  const B = side(applyPing, world);
  const warm = Math.max(Math.floor(fixCount / 10), active);
  for (let from = 0, k = 0; from < fixCount; from += CHUNK, k++) {
    const to = Math.min(fixCount, from + CHUNK);
    const [first, second] = k % 2 === 0 ? [A, B] : [B, A];
    chunk(first, from, to, from >= warm);
    chunk(second, from, to, from >= warm);
  }
  if (A.alerts !== B.alerts) throw new Error(`A raised ${A.alerts} alerts, B ${B.alerts}`);
  const n = fixCount - warm;
  const line = `pass ${p + 1}: A ${Math.round(n / (A.wallMs / 1000))} fixes/s (${Math.round(n / (A.cpuUs / 1e6))}/CPU s), B ${Math.round(n / (B.wallMs / 1000))} (${Math.round(n / (B.cpuUs / 1e6))}/CPU s): B/A ${(A.wallMs / B.wallMs).toFixed(3)} wall, ${(A.cpuUs / B.cpuUs).toFixed(3)} CPU`;
  console.log(line);
  results.push(line);
}
console.log(`${zones} circle zones, ${passes} passes, chunks of ${CHUNK} fixes alternating A/B`);
