/**
 * What decoding one fetched record costs in kafkajs' own record decoder and in Fenceline's
 * (src/kafka/record-decoder.ts), in one process, alternating, on ping-sized records of a batch
 * encoded by kafkajs' own encoder: CPU ns per record, best of 5, for CreateTime and LogAppendTime
 * batches (the pings topic is CreateTime by default; the benches' topics use LogAppendTime).
 *
 *   npx tsx bench/record-decode.bench.ts
 */
import { createRequire } from 'node:module';
import { decodeRecord, originalRecordDecoder, type RecordContext } from '../src/kafka/record-decoder.js';

const require = createRequire(import.meta.url);
type KafkaDecoder = { readVarIntBytes(): Buffer; readArray<T>(f: (d: KafkaDecoder) => T): T[] };
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => {
  buffer: Buffer;
  writeInt32(n: number): unknown;
  writeEncoder(e: unknown): unknown;
};
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => KafkaDecoder;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: object) => unknown;

const N = 2000;
const enc = new Encoder();
enc.writeInt32(N);
for (let i = 0; i < N; i++) {
  const tagId = `TAG-${String(i).padStart(6, '0')}`;
  const ping = {
    tagId,
    ts: 1748818847662 + i,
    lat: 53.420164,
    lon: -2.120751,
    accuracyM: 18.7,
    battery: 0.75,
  };
  enc.writeEncoder(
    Record({
      offsetDelta: i,
      timestampDelta: i * 3,
      key: Buffer.from(tagId),
      value: Buffer.from(JSON.stringify(ping)),
    }),
  );
}
const batch = enc.buffer;

function cpuNsPerRecord(decode: (d: KafkaDecoder, c: RecordContext) => unknown, c: RecordContext): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t0 = process.cpuUsage();
    let n = 0;
    for (let k = 0; k < 100; k++) {
      n += new Decoder(batch).readArray((d) => decode(new Decoder(d.readVarIntBytes()), c)).length;
    }
    const t = process.cpuUsage(t0);
    best = Math.min(best, ((t.user + t.system) * 1000) / n);
  }
  return best;
}

const original = originalRecordDecoder() as unknown as (d: KafkaDecoder, c: RecordContext) => unknown;
const ours = decodeRecord as unknown as (d: KafkaDecoder, c: RecordContext) => unknown;
console.log(`node ${process.version}, ${N} ping-sized records, CPU ns per record (best of 5)`);
for (const [name, timestampType] of [
  ['CreateTime', 0],
  ['LogAppendTime', 1],
] as const) {
  const c: RecordContext = {
    firstOffset: '123456789',
    firstTimestamp: '1748818847662',
    magicByte: 2,
    isControlBatch: false,
    timestampType,
    maxTimestamp: '1748818857662',
  };
  const rows: Array<[string, number]> = [];
  for (let round = 0; round < 2; round++) {
    rows.push(['kafkajs', cpuNsPerRecord(original, c)], ['fenceline', cpuNsPerRecord(ours, c)]);
  }
  const k = Math.min(rows[0]![1], rows[2]![1]);
  const f = Math.min(rows[1]![1], rows[3]![1]);
  console.log(
    `  ${name.padEnd(14)} kafkajs ${k.toFixed(0).padStart(5)} ns   fenceline ${f.toFixed(0).padStart(5)} ns   ratio ${(f / k).toFixed(2)}`,
  );
}
