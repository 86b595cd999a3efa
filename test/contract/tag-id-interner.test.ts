/**
 * TagIdInterner: the right characters always, an id held once however often it comes, and a
 * bounded table whatever it is fed (growth, starting again when full, ids crafted to collide).
 * (A string's identity is not observable in JavaScript; `size` shows an id was found, not added
 * again. The speed it buys is measured in bench/worker-profile.ts, README "Hot path".)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanPing } from '../../src/contract/ping-scan.js';
import { TagIdInterner } from '../../src/contract/tag-id-interner.js';

/** `text` inside other bytes, so from/to are not the whole buffer. */
function framed(text: string): { b: Buffer; from: number; to: number } {
  const b = Buffer.from(`{"tagId":"${text}"}`, 'latin1');
  return { b, from: 10, to: 10 + text.length };
}

function intern(t: TagIdInterner, text: string): string {
  const { b, from, to } = framed(text);
  return t.intern(b, from, to);
}

const asciiId = fc.stringMatching(/^[ -!#-[\]-~]{1,40}$/); // printable ASCII, no quote or backslash

describe('TagIdInterner', () => {
  it('holds an id once, found again from any buffer', () => {
    const t = new TagIdInterner();
    expect(intern(t, 'TAG-000123')).toBe('TAG-000123');
    expect(intern(t, 'TAG-000123')).toBe('TAG-000123');
    expect(t.intern(Buffer.from('xxTAG-000123yy'), 2, 12)).toBe('TAG-000123');
    expect(t.size).toBe(1);
    expect(intern(t, 'TAG-000124')).toBe('TAG-000124');
    expect(t.size).toBe(2);
  });

  it('returns exactly the bytes as characters, short and long ids alike', () => {
    fc.assert(
      fc.property(fc.array(asciiId, { minLength: 1, maxLength: 60 }), (ids) => {
        const t = new TagIdInterner(64); // small: exercises growth and starting again
        for (const id of ids) {
          expect(intern(t, id)).toBe(id);
          // Asked again at once: found (or, in a crowded neighbourhood, made afresh), never added.
          const size = t.size;
          const resets = t.resets;
          expect(intern(t, id)).toBe(id);
          expect([t.size, t.resets]).toEqual([size, resets]);
        }
        expect(t.size).toBeLessThanOrEqual(32);
      }),
    );
  });

  it('grows by doubling and, at its largest, starts again instead of growing further', () => {
    const t = new TagIdInterner(1 << 11);
    for (let i = 0; i < 1024; i++) intern(t, `T${i}`);
    // An id whose probe sequence is full is not held; at half load that is rare.
    const held = t.size;
    expect(held).toBeGreaterThan(1000);
    expect(held).toBeLessThanOrEqual(1024);
    expect(t.resets).toBe(0);
    // Found again after growing (ids not held the first time may find room now), then stable.
    for (let i = 0; i < 1024; i++) expect(intern(t, `T${i}`)).toBe(`T${i}`);
    const again = t.size;
    expect(again).toBeGreaterThanOrEqual(held);
    expect(again).toBeLessThanOrEqual(1024);
    for (let i = 0; i < 1024; i++) intern(t, `T${i}`);
    expect(t.size).toBe(again);
    for (let i = 1024; t.resets === 0; i++) intern(t, `T${i}`); // past half of 2048 slots: start again
    expect(t.resets).toBe(1);
    expect(t.size).toBe(1);
    for (let i = 0; i < 5000; i++) expect(intern(t, `U${i}`)).toBe(`U${i}`);
    expect(t.size).toBeLessThanOrEqual(1024);
  });

  it('ids crafted to collide cost a fresh string after 8 probes, never a long scan', () => {
    // FNV-1a 32 as the interner computes it, to find 40 ids with one home slot in 1024.
    const home = (id: string) => {
      let h = 0x811c9dc5;
      for (let k = 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193);
      return h & 1023;
    };
    const colliding: string[] = [];
    for (let i = 0; colliding.length < 40; i++) if (home(`X${i}`) === 7) colliding.push(`X${i}`);
    const t = new TagIdInterner(1024); // one size: no growth moves them apart
    for (const id of colliding) expect(intern(t, id)).toBe(id);
    expect(t.size).toBe(8); // the home slot and the 7 after it; the other 32 were not kept
    for (const id of colliding) expect(intern(t, id)).toBe(id);
    expect(t.size).toBe(8);
    // A table of 2 slots: every id shares the neighbourhood.
    const tiny = new TagIdInterner(2);
    for (let i = 0; i < 100; i++) expect(intern(tiny, `C${i}`)).toBe(`C${i}`);
    expect(tiny.size).toBeLessThanOrEqual(1);
  });

  it('refuses a table size that is not a power of two', () => {
    expect(() => new TagIdInterner(1000)).toThrow(/power of two/);
    expect(() => new TagIdInterner(1)).toThrow(/power of two/);
  });

  it('scanPing reads tag ids through it, whatever else the ping holds', () => {
    const a = scanPing(Buffer.from('{"tagId":"TAG-INTERN-1","ts":1767261600000}'));
    const b = scanPing(Buffer.from('{"ts":1767261601000,"tagId":"TAG-INTERN-1","lat":51.5,"lon":-0.1}'));
    const c = scanPing(Buffer.from('{"tagId":"TAG-INTERN-10","ts":1767261600000}'));
    expect([a?.tagId, b?.tagId, c?.tagId]).toEqual(['TAG-INTERN-1', 'TAG-INTERN-1', 'TAG-INTERN-10']);
  });
});
