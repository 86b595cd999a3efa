/**
 * What decoding a ping costs, before and after the fast check, in one process (so the ratio is
 * not skewed by a shared machine's load drifting between runs): ns per ping for JSON.parse alone,
 * the old path (JSON.parse + PingSchema.safeParse), the new decodePing (fast check, zod only for
 * what it refuses), and the two validators alone on parsed objects. Seeded pings shaped like the
 * simulator's (tagId, ts, lat, lon, accuracyM; a tenth also battery and strap). Best of 5 rounds,
 * in CPU time (process.cpuUsage), so time spent descheduled on a busy machine is not counted.
 *
 *   npx tsx bench/core-decode.bench.ts
 */

import { fastPingCheck } from '../src/contract/fast-ping-check.js';
import { decodePing, type Ping, PingSchema } from '../src/contract/index.js';
import { Rng } from '../src/sim/prng.js';

const N = 1 << 14;

function pings(): { buffers: Buffer[]; objects: unknown[] } {
  const rng = Rng.derive(14, 3);
  const buffers: Buffer[] = [];
  const objects: unknown[] = [];
  for (let i = 0; i < N; i++) {
    const ping: Ping = {
      tagId: `TAG-${String(rng.int(0, 99_999)).padStart(6, '0')}`,
      ts: 1_767_261_600_000 + i * 1000,
      lat: rng.uniform(50, 58.5),
      lon: rng.uniform(-5.5, 1.7),
      accuracyM: Math.round(rng.uniform(3, 30) * 10) / 10,
    };
    if (i % 10 === 0) {
      ping.battery = Math.round(rng.next() * 100) / 100;
      ping.strap = 'ok';
    }
    const b = Buffer.from(JSON.stringify(ping));
    buffers.push(b);
    objects.push(JSON.parse(b.toString('utf8')));
  }
  return { buffers, objects };
}

/** This process's CPU time in ms: steadier than wall time on a shared, loaded machine. */
function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

function time(body: (reps: number) => number): number {
  let sink = 0;
  let reps = N;
  for (;;) {
    const t0 = performance.now();
    sink += body(reps);
    const ms = performance.now() - t0;
    if (ms >= 50) {
      reps = Math.max(N, Math.ceil((reps * 300) / ms));
      break;
    }
    reps *= 2;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t0 = cpuMs();
    sink += body(reps);
    best = Math.min(best, ((cpuMs() - t0) * 1e6) / reps);
  }
  if (sink === 0.123) console.log('');
  return best;
}

const { buffers, objects } = pings();
const M = N - 1;
const rows: [string, number][] = [
  [
    'JSON.parse (Buffer)',
    time((n) => {
      let k = 0;
      for (let i = 0; i < n; i++) k += (JSON.parse(buffers[i & M]!.toString('utf8')) as Ping).ts & 1;
      return k;
    }),
  ],
  [
    'before: JSON.parse + zod',
    time((n) => {
      let k = 0;
      for (let i = 0; i < n; i++) {
        const r = PingSchema.safeParse(JSON.parse(buffers[i & M]!.toString('utf8')));
        if (r.success) k++;
      }
      return k;
    }),
  ],
  [
    'after: decodePing',
    time((n) => {
      let k = 0;
      for (let i = 0; i < n; i++) {
        const b = buffers[i & M]!;
        if (decodePing(null, b).ok) k++;
      }
      return k;
    }),
  ],
  [
    'zod safeParse alone',
    time((n) => {
      let k = 0;
      for (let i = 0; i < n; i++) if (PingSchema.safeParse(objects[i & M]).success) k++;
      return k;
    }),
  ],
  [
    'fastPingCheck alone',
    time((n) => {
      let k = 0;
      for (let i = 0; i < n; i++) if (fastPingCheck(objects[i & M]) !== undefined) k++;
      return k;
    }),
  ],
];
console.log(`node ${process.version}, ${N} seeded pings, CPU ns per ping (best of 5)`);
for (const [name, ns] of rows) console.log(`  ${name.padEnd(26)} ${ns.toFixed(0).padStart(6)} ns`);
console.log(`  after / before             ${(rows[2]![1] / rows[1]![1]).toFixed(2)}`);
console.log(`  fast check / zod           ${(rows[4]![1] / rows[3]![1]).toFixed(2)}`);
