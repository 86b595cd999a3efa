/**
 * Kafka's compression codecs for kafkajs, which decodes only gzip by itself. Tag gateways and
 * case-management systems are often Java or librdkafka producers that compress with snappy, lz4
 * or zstd; without these a consumer throws "... compression not implemented" on the first such
 * batch (for a table consumer: the worker never becomes ready).
 *
 * Each codec is pure JavaScript shipped inside its npm tarball (no native build, no binary fetched
 * at install time), so it installs wherever npm does and runs on Node 20, 22 and 24:
 *  - snappy: snappyjs, the raw-block codec kafkajs-snappy wraps; the xerial framing Java producers
 *    add is handled here (librdkafka writes raw blocks but reads both).
 *  - lz4: lz4js, the LZ4 *frame* format Kafka uses for record batch v2, checksums included.
 *  - zstd: fzstd, a small, fast, maintained decoder. Fenceline never produces zstd itself
 *    (its producers use no compression or gzip); compressing with zstd is possible only where
 *    node:zlib has zstd (Node >= 22.15) and otherwise fails with a clear error.
 *
 * Imported once, for its effect, by kafka-client.ts: registration is global to kafkajs.
 */
import * as zlib from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
// kafkajs is CommonJS and Node's ESM loader does not detect these two as named exports.
import kafkajs from 'kafkajs';
import lz4 from 'lz4js';
import snappy from 'snappyjs';

const { CompressionCodecs, CompressionTypes } = kafkajs;

interface Encoder {
  buffer: Buffer;
}
interface Codec {
  compress(encoder: Encoder): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const toBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** Java's snappy-java stream header: 0x82 "SNAPPY" 0x00, then two int32 versions. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

export function snappyDecompress(buffer: Buffer): Buffer {
  if (buffer.length < XERIAL_HEADER_BYTES || !buffer.subarray(0, 8).equals(XERIAL_MAGIC)) {
    return toBuffer(snappy.uncompress(buffer));
  }
  // Xerial framing: after the header, blocks of [int32 BE compressed length][raw snappy block].
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER_BYTES;
  while (pos < buffer.length) {
    if (pos + 4 > buffer.length) throw new Error('snappy: truncated xerial block header');
    const size = buffer.readUInt32BE(pos);
    pos += 4;
    if (pos + size > buffer.length) throw new Error('snappy: truncated xerial block');
    parts.push(toBuffer(snappy.uncompress(buffer.subarray(pos, pos + size))));
    pos += size;
  }
  return Buffer.concat(parts);
}

const snappyCodec: Codec = {
  compress: async (encoder) => toBuffer(snappy.compress(encoder.buffer)),
  decompress: async (buffer) => snappyDecompress(buffer),
};

const lz4Codec: Codec = {
  compress: async (encoder) => toBuffer(lz4.compress(encoder.buffer)),
  decompress: async (buffer) => toBuffer(lz4.decompress(buffer)),
};

type ZstdCompress = (buf: Buffer) => Buffer;
const zstdCompressSync = (zlib as unknown as { zstdCompressSync?: ZstdCompress }).zstdCompressSync;

const zstdCodec: Codec = {
  compress: async (encoder) => {
    if (zstdCompressSync === undefined) {
      throw new Error('zstd compression needs Node >= 22.15 (decompression works everywhere)');
    }
    return zstdCompressSync(encoder.buffer);
  },
  decompress: async (buffer) => toBuffer(zstdDecompress(buffer)),
};

/** The codec kafkajs will use for each of Kafka's compression types (gzip is kafkajs' own). */
export const REGISTERED_CODECS = {
  snappy: snappyCodec,
  lz4: lz4Codec,
  zstd: zstdCodec,
} as const;

CompressionCodecs[CompressionTypes.Snappy] = () => snappyCodec;
CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
