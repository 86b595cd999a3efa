/**
 * A/B of two engine builds on the same seeded decision-core case, in one process, alternating
 * A B A B...: on a shared, loaded machine the ratio within a round is steadier than either
 * figure. B is this checkout; A is another checkout's src/engine (e.g. `git archive <commit> src`
 * unpacked somewhere, its node_modules linked to this one's).
 *
 *   npx tsx --expose-gc --max-old-space-size=8192 bench/core-ab.ts <dir-of-A-checkout> [zones] [rounds]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyPing } from '../src/engine/index.js';
import { runCoreCase } from './core.bench.js';

const aDir = process.argv[2];
if (aDir === undefined) throw new Error('usage: core-ab.ts <dir-of-A-checkout> [zones] [rounds]');
const zones = Number(process.argv[3] ?? 100_000);
const rounds = Number(process.argv[4] ?? 3);
const a = (await import(pathToFileURL(join(aDir, 'src/engine/index.ts')).href)) as {
  applyPing: typeof applyPing;
};
const ratios: number[] = [];
const cpuRatios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const ra = runCoreCase(zones, 'circle', 300_000, 1, undefined, a.applyPing);
  const rb = runCoreCase(zones, 'circle', 300_000, 1, undefined, applyPing);
  if (ra.alerts !== rb.alerts) throw new Error(`A raised ${ra.alerts} alerts, B ${rb.alerts}`);
  ratios.push(rb.fixesPerS / ra.fixesPerS);
  cpuRatios.push(rb.cpuFixesPerS / ra.cpuFixesPerS);
  console.log(
    `round ${r + 1}: A ${ra.fixesPerS} fixes/s (${ra.cpuFixesPerS}/CPU s), B ${rb.fixesPerS} (${rb.cpuFixesPerS}/CPU s): B/A ${ratios.at(-1)!.toFixed(3)} wall, ${cpuRatios.at(-1)!.toFixed(3)} CPU`,
  );
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
console.log(
  `${zones} circle zones, ${rounds} rounds: B/A median ${median(ratios).toFixed(3)} wall, ${median(cpuRatios).toFixed(3)} CPU`,
);
