/**
 * Item 1: each tag state's encoded size is measured and kept small, because a catch-up batch
 * writes one changelog record per changed tag (40,000 tags → 40,000 records in one transaction).
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  applyPing,
  DEFAULT_ENGINE_CONFIG,
  EnrolmentTable,
  encodeTagState,
  newTagState,
  type TagState,
} from '../../src/engine/index.js';
import { compileZone, ZoneIndex } from '../../src/geo/index.js';
import { makeFleet } from './fixtures/fleet.js';

describe('item 1: encoded tag state size', () => {
  it('stays under 2 KiB per tag after 200,000 pings over 300 tags (and is reported)', () => {
    const fleet = makeFleet({ seed: 20260302, tags: 300, pings: 200_000 });
    const enrolments = new EnrolmentTable();
    for (const e of fleet.enrolments) enrolments.upsert(e, 0);
    const world = { zones: ZoneIndex.build(fleet.zones.map(compileZone)), enrolments };
    const states = new Map<string, TagState>();
    const sizes: number[] = [];
    for (const p of fleet.pings) {
      let s = states.get(p.tagId);
      if (!s) {
        s = newTagState(p.tagId);
        states.set(p.tagId, s);
      }
      applyPing(world, DEFAULT_ENGINE_CONFIG, s, p, p.ts, p.ts, []);
      sizes.push(Buffer.byteLength(encodeTagState(s)));
    }
    sizes.sort((a, b) => a - b);
    const q = (f: number) => sizes[Math.min(sizes.length - 1, Math.floor(f * sizes.length))]!;
    const mean = Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
    // As the changelog travels: one gzip-compressed produce batch of all 300 final states.
    const finals = [...states.values()].map(encodeTagState);
    const gz = gzipSync(Buffer.from(finals.join(''))).length / finals.length;
    console.info(
      `encoded tag state bytes: mean ${mean}, p50 ${q(0.5)}, p99 ${q(0.99)}, max ${q(1)}; gzip in a batch ${Math.round(gz)}/state`,
    );
    expect(gz).toBeLessThan(q(0.5));
    expect(q(1)).toBeLessThan(2048);
    expect(q(0.5)).toBeLessThan(1024);
  });
});
