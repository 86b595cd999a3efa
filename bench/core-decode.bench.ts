/**
 * What decoding a ping costs, each step of its history, in one process (so the ratios are not
 * skewed by a shared machine's load drifting between runs): ns per ping for JSON.parse alone, the
 * first path (JSON.parse + PingSchema.safeParse), the second (JSON.parse + fast check, zod only
 * for what it refuses), decodePing today (scanPing reads the bytes; the second path for what it
 * does not read), and scanPing and the two validators alone. Seeded pings shaped like the
 * simulator's (tagId, ts, lat, lon, accuracyM; a tenth also battery and strap), keyed by tagId,
 * with coordinates in 6 decimals as the simulator and devices print them, and again with all 17
 * digits of a double (the scanner's slower number path). Best of 5 rounds, in CPU time
 * (process.cpuUsage), so time spent descheduled on a busy machine is not counted.
 *
 *   npx tsx bench/core-decode.bench.ts
 */

import { fastPingCheck } from '../src/contract/fast-ping-check.js';
import { decodePing, type Ping, PingSchema } from '../src/contract/index.js';
import { scanPing } from '../src/contract/ping-scan.js';
import { seededPings } from './seeded-pings.js';

const N = 1 << 14;

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

const M = N - 1;

function rows(digits: 6 | 17): [string, number][] {
  const { keys, buffers, objects } = seededPings(N, digits);
  return [
    [
      'JSON.parse (Buffer)',
      time((n) => {
        let k = 0;
        for (let i = 0; i < n; i++) k += (JSON.parse(buffers[i & M]!.toString('utf8')) as Ping).ts & 1;
        return k;
      }),
    ],
    [
      '1: JSON.parse + zod',
      time((n) => {
        let k = 0;
        for (let i = 0; i < n; i++) {
          const r = PingSchema.safeParse(JSON.parse(buffers[i & M]!.toString('utf8')));
          if (r.success && keys[i & M]!.toString('utf8') === r.data.tagId) k++;
        }
        return k;
      }),
    ],
    [
      '2: JSON.parse + fast check',
      time((n) => {
        let k = 0;
        for (let i = 0; i < n; i++) {
          const p = fastPingCheck(JSON.parse(buffers[i & M]!.toString('utf8')));
          if (p !== undefined && keys[i & M]!.toString('utf8') === p.tagId) k++;
        }
        return k;
      }),
    ],
    [
      '3: decodePing (scanPing)',
      time((n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (decodePing(keys[i & M], buffers[i & M]).ok) k++;
        return k;
      }),
    ],
    [
      'scanPing alone',
      time((n) => {
        let k = 0;
        for (let i = 0; i < n; i++) if (scanPing(buffers[i & M]!) !== undefined) k++;
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
}

console.log(`node ${process.version}, ${N} seeded pings keyed by tagId, CPU ns per ping (best of 5)`);
for (const digits of [6, 17] as const) {
  const r = rows(digits);
  console.log(`coordinates in ${digits} digits:`);
  for (const [name, ns] of r) console.log(`  ${name.padEnd(28)} ${ns.toFixed(0).padStart(6)} ns`);
  console.log(`  3 / 2                        ${(r[3]![1] / r[2]![1]).toFixed(2)}`);
  console.log(`  3 / 1                        ${(r[3]![1] / r[1]![1]).toFixed(2)}`);
}
