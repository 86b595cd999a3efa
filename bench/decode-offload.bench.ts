/**
 * Would decoding pings on a second thread pay (issue 14, item 4)? Only if the main thread spends
 * less handing the records over and taking the pings back than it would decoding them itself.
 * This measures both, in the main thread's own active time (event-loop utilisation), on the
 * seeded pings of bench/core-decode.bench.ts:
 *
 *  - in place: decodePing on every record, as the worker does today;
 *  - numbers back: each batch's keys and values copied into one transferred buffer; a worker
 *    thread decodes them and sends back a Float64Array (ts, lat, lon, accuracy) and the tag ids;
 *    the main thread builds the pings again. A lower bound: battery and strap are not carried,
 *    and the tag ids come back as new strings, so the worker's lookups by tag id would lose what
 *    interning them gave (src/contract/tag-id-interner.ts);
 *  - objects back: the same, with the pings sent back as objects (structured clone).
 *
 * The worker thread's own time is not counted: on this machine a second thread has about half a
 * core (bench/worker-profile.ts). Best of 5 rounds.
 *
 *   npx tsx bench/decode-offload.bench.ts [batch=1000]
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { decodePing, type Ping } from '../src/contract/index.js';
import { seededPings } from './seeded-pings.js';

const N = 1 << 16;
const batch = Number(process.argv[2] ?? 1000);
if (!Number.isInteger(batch) || batch < 1)
  throw new Error(`batch: a positive integer, got ${process.argv[2]}`);
const { keys, buffers } = seededPings(N, 6);

type Mode = 'numbers' | 'objects';
interface Request {
  bytes: ArrayBuffer;
  /** Per record: key start, key end (= value start), value end. */
  offs: Int32Array;
  mode: Mode;
}
interface NumbersReply {
  nums: Float64Array;
  ids: string[];
}

// The thread loads the decoder through tsx, as this process does; both resolved here, so the
// bench runs from any directory.
const decoder = new URL('../src/contract/index.ts', import.meta.url).href;
const tsxApi = import.meta.resolve('tsx/esm/api');
const thread = new Worker(
  `
const { register } = await import(${JSON.stringify(tsxApi)});
register();
const { decodePing } = await import(${JSON.stringify(decoder)});
const { parentPort } = await import('node:worker_threads');
parentPort.on('message', ({ bytes, offs, mode }) => {
  const b = Buffer.from(bytes);
  const n = offs.length / 3;
  const record = (i) => decodePing(b.subarray(offs[3 * i], offs[3 * i + 1]), b.subarray(offs[3 * i + 1], offs[3 * i + 2]));
  if (mode === 'objects') {
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const d = record(i);
      out[i] = d.ok ? d.value : d.error;
    }
    parentPort.postMessage(out);
    return;
  }
  const nums = new Float64Array(4 * n);
  const ids = new Array(n);
  for (let i = 0; i < n; i++) {
    const d = record(i);
    if (!d.ok) { ids[i] = null; continue; }
    const p = d.value;
    ids[i] = p.tagId;
    nums[4 * i] = p.ts; nums[4 * i + 1] = p.lat ?? NaN; nums[4 * i + 2] = p.lon ?? NaN; nums[4 * i + 3] = p.accuracyM ?? NaN;
  }
  parentPort.postMessage({ nums, ids }, [nums.buffer]);
});
`,
  { eval: true },
);

let sink = 0;

function inPlace(): void {
  for (let i = 0; i < N; i++) {
    const d = decodePing(keys[i], buffers[i]);
    if (d.ok) sink += d.value.lat ?? 0;
  }
}

function pack(from: number, to: number, mode: Mode): Request {
  let len = 0;
  for (let i = from; i < to; i++) len += keys[i]!.length + buffers[i]!.length;
  const bytes = new ArrayBuffer(len);
  const b = Buffer.from(bytes);
  const offs = new Int32Array(3 * (to - from));
  let o = 0;
  for (let i = from, j = 0; i < to; i++, j += 3) {
    offs[j] = o;
    o += keys[i]!.copy(b, o);
    offs[j + 1] = o;
    o += buffers[i]!.copy(b, o);
    offs[j + 2] = o;
  }
  return { bytes, offs, mode };
}

function unpack(reply: unknown, mode: Mode): void {
  if (mode === 'objects') {
    const pings = reply as (Ping | string)[];
    for (let i = 0; i < pings.length; i++) {
      const p = pings[i]!;
      if (typeof p !== 'string') sink += p.lat ?? 0;
    }
    return;
  }
  const { nums, ids } = reply as NumbersReply;
  for (let i = 0; i < ids.length; i++) {
    const tagId = ids[i];
    if (tagId === null || tagId === undefined) continue;
    const j = 4 * i;
    const ping: Ping = { tagId, ts: nums[j]!, lat: nums[j + 1]!, lon: nums[j + 2]!, accuracyM: nums[j + 3]! };
    sink += ping.lat!;
  }
}

function roundTrip(from: number, to: number, mode: Mode): Promise<void> {
  const req = pack(from, to, mode);
  return new Promise((resolve) => {
    thread.once('message', (reply: unknown) => {
      unpack(reply, mode);
      resolve();
    });
    thread.postMessage(req, [req.bytes]);
  });
}

/** Main-thread active ns per ping, and wall ns per ping, of one pass over all N records. */
async function measure(body: () => Promise<void>): Promise<{ active: number; wall: number }> {
  const e0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await body();
  const e = performance.eventLoopUtilization(e0);
  return { active: (e.active * 1e6) / N, wall: ((performance.now() - t0) * 1e6) / N };
}

const best = { inPlace: Infinity, numbers: Infinity, numbersWall: Infinity, objects: Infinity };
for (let round = 0; round < 6; round++) {
  const ip = await measure(async () => {
    inPlace();
    await new Promise((r) => setImmediate(r));
  });
  const nums = await measure(async () => {
    for (let i = 0; i < N; i += batch) await roundTrip(i, Math.min(N, i + batch), 'numbers');
  });
  const objs = await measure(async () => {
    for (let i = 0; i < N; i += batch) await roundTrip(i, Math.min(N, i + batch), 'objects');
  });
  if (round === 0) continue; // warm-up
  best.inPlace = Math.min(best.inPlace, ip.active);
  best.numbers = Math.min(best.numbers, nums.active);
  best.numbersWall = Math.min(best.numbersWall, nums.wall);
  best.objects = Math.min(best.objects, objs.active);
}
await thread.terminate();
if (sink === 0) throw new Error('nothing decoded');
const ns = (v: number) => `${Math.round(v)} ns`;
console.log(`${N} seeded pings, batches of ${batch}; main thread's active time per ping, best of 5:`);
console.log(`  decoded in place:             ${ns(best.inPlace)}`);
console.log(
  `  decoded on a thread, numbers: ${ns(best.numbers)} (wall ${ns(best.numbersWall)}, one batch in flight)`,
);
console.log(`  decoded on a thread, objects: ${ns(best.objects)}`);
