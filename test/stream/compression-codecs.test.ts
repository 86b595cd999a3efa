/**
 * Issue 9, item 5, the codecs themselves: each registered with kafkajs, each round-trips, and
 * snappy reads both raw blocks (librdkafka) and the xerial framing Java producers write.
 */
import kafkajs from 'kafkajs';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { REGISTERED_CODECS, snappyDecompress } from '../../src/kafka/compression-codecs.js';

const { CompressionCodecs, CompressionTypes } = kafkajs;
const payload = Buffer.from('{"tagId":"tag-1","ts":1767600000000,"lat":51.5,"lon":-0.12}'.repeat(50));

describe('every producer’s compression: codecs', () => {
  it('registers snappy, lz4 and zstd with kafkajs', () => {
    expect(CompressionCodecs[CompressionTypes.Snappy]!()).toBe(REGISTERED_CODECS.snappy);
    expect(CompressionCodecs[CompressionTypes.LZ4]!()).toBe(REGISTERED_CODECS.lz4);
    expect(CompressionCodecs[CompressionTypes.ZSTD]!()).toBe(REGISTERED_CODECS.zstd);
  });

  it('round-trips snappy and lz4', async () => {
    for (const codec of [REGISTERED_CODECS.snappy, REGISTERED_CODECS.lz4]) {
      const packed = await codec.compress({ buffer: payload });
      expect(packed.length).toBeLessThan(payload.length);
      expect((await codec.decompress(packed)).equals(payload)).toBe(true);
    }
  });

  it('reads snappy in xerial framing (Java producers), in several blocks', () => {
    const a = payload.subarray(0, 1000);
    const b = payload.subarray(1000);
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    const block = (part: Buffer) => {
      const c = Buffer.from(snappy.compress(part));
      const len = Buffer.alloc(4);
      len.writeUInt32BE(c.length);
      return Buffer.concat([len, c]);
    };
    expect(snappyDecompress(Buffer.concat([header, block(a), block(b)])).equals(payload)).toBe(true);
    expect(() => snappyDecompress(Buffer.concat([header, block(a)]).subarray(0, 30))).toThrow(/truncated/);
  });
});
