/**
 * A CPU profile of the decision core's timed engine-only run (bench/core.bench.ts, seeded),
 * without zone compilation, index build or warm-up in it: what a fix costs, by function.
 *
 *   npx tsx --expose-gc --max-old-space-size=8192 bench/core-profile.ts 1000000 [circle|polygon] [out.cpuprofile]
 *
 * Prints the top functions by self time; open the .cpuprofile in Chrome DevTools or speedscope.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { type CoreShape, runCoreCase } from './core.bench.js';
import { type Profile, topSelfTime } from './cpu-profile.js';

const zones = Number(process.argv[2] ?? 1_000_000);
const shape: CoreShape = process.argv[3] === 'polygon' ? 'polygon' : 'circle';
const out = process.argv[4] ?? `core-${zones}-${shape}.cpuprofile`;
const session = new Session();
session.connect();
let profile: Profile | undefined;
const result = runCoreCase(zones, shape, 300_000, 1, {
  start: () => {
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 100 });
    session.post('Profiler.start');
  },
  stop: () =>
    session.post('Profiler.stop', (err, r) => {
      if (err) throw err;
      profile = r.profile as unknown as Profile;
    }),
});
if (profile === undefined) throw new Error('no profile taken');
writeFileSync(out, JSON.stringify(profile));
console.log(`${zones} ${shape} zones: ${result.fixesPerS} fixes/s (${result.cpuFixesPerS} per CPU second)`);
console.log(topSelfTime(profile).join('\n'));
console.log(`profile: ${out}`);
