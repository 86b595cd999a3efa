import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedTable, keyHash } from '../../src/geo/keyed-table.js';

interface Item {
  readonly key: string;
  readonly n: number;
}

const keyOf = (v: Item) => v.key;

/** Few keys, so sets replace, deletes hit, and keys come back after their delete. */
const key = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'Z1', 'Z10', 'Z100', 'zone-1', 'zone-2', '', 'é', '\u{1F600}'),
  fc.integer({ min: 0, max: 400 }).map((i) => `k${i}`),
);
const op = fc.oneof(
  { weight: 5, arbitrary: fc.record({ set: key, n: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ del: key }) },
  { weight: 1, arbitrary: fc.record({ reserve: fc.integer({ min: 0, max: 2000 }) }) },
);

describe('KeyedTable behaves as a Map of key to value (property)', () => {
  it('after any sequence of sets, deletes and reservations: same size, lookups and order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000, size: 'max' }), (ops) => {
        const table = new KeyedTable<Item>(keyOf);
        const map = new Map<string, Item>();
        let wrongPositions = 0;
        for (const o of ops) {
          if ('set' in o) {
            const v = { key: o.set, n: o.n };
            // set gives the value's position, which valueAt and positionOf agree on.
            const at = table.set(v);
            if (table.valueAt(at) !== v || table.positionOf(o.set) !== at) wrongPositions++;
            map.set(o.set, v);
          } else if ('del' in o) {
            expect(table.delete(o.del)).toBe(map.delete(o.del));
          } else table.reserve(o.reserve);
        }
        expect(table.size).toBe(map.size);
        expect(table.valuesArray()).toEqual([...map.values()]);
        const visited: Item[] = [];
        table.forEach((v) => {
          visited.push(v);
        });
        expect(visited).toEqual([...map.values()]);
        for (const k of ['a', 'b', 'Z1', 'k0', 'k7', 'k399', 'missing', '']) {
          expect(table.get(k)).toBe(map.get(k));
          expect(table.has(k)).toBe(map.has(k));
        }
        for (const [k, v] of map) expect(table.get(k)).toBe(v);
        expect(wrongPositions).toBe(0);
        for (const [k, v] of map) expect(table.valueAt(table.positionOf(k))).toBe(v);
        expect(table.positionOf('missing')).toBe(-1);
      }),
      { numRuns: 200, seed: 30 },
    );
  });
});

describe('KeyedTable', () => {
  it('holds 100,000 keys with colliding slots and stays exact through deleting most of them', () => {
    const table = new KeyedTable<Item>(keyOf);
    const n = 100_000;
    for (let i = 0; i < n; i++) table.set({ key: `Z${i}`, n: i });
    expect(table.size).toBe(n);
    for (let i = 0; i < n; i += 3) table.delete(`Z${i}`);
    for (let i = 0; i < n; i++) expect(table.get(`Z${i}`)?.n).toBe(i % 3 === 0 ? undefined : i);
    const order = table.valuesArray().map((v) => v.n);
    expect(order).toEqual([...Array(n).keys()].filter((i) => i % 3 !== 0));
  });

  it('hashes to 30-bit non-negative integers, spread over the low bits a slot index uses', () => {
    const buckets = new Array<number>(1024).fill(0);
    let allSmall = true;
    for (let i = 0; i < 102_400; i++) {
      const h = keyHash(`Z${i}`);
      allSmall &&= Number.isInteger(h) && h >= 0 && h < 2 ** 30;
      buckets[h & 1023]!++;
    }
    expect(allSmall).toBe(true);
    // 100 expected per bucket; a sequential-id weakness would leave some far off.
    expect(Math.min(...buckets)).toBeGreaterThan(50);
    expect(Math.max(...buckets)).toBeLessThan(160);
  });
});
