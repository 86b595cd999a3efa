import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PING_BYTES, decodePing } from '../../src/contract/index.js';

const TS = 1767261600000;
const json = (value: unknown) => JSON.stringify(value);

type Case = {
  name: string;
  key: Buffer | string | null | undefined;
  value: Buffer | string | null | undefined;
  /** Every string must appear in the error: the field named, and what is wrong with it. */
  error: string[];
};

const BAD: Case[] = [
  { name: 'not JSON', key: 't1', value: '{"tagId":"t1",', error: ['not JSON'] },
  { name: 'JSON but not an object', key: 't1', value: '[1,2]', error: ['not a JSON object'] },
  { name: 'JSON null', key: 't1', value: 'null', error: ['not a JSON object'] },
  { name: 'empty value', key: 't1', value: '', error: ['empty value'] },
  { name: 'empty Buffer', key: 't1', value: Buffer.alloc(0), error: ['empty value'] },
  { name: 'null value (tombstone on the pings topic)', key: 't1', value: null, error: ['empty value'] },
  { name: 'tagId missing', key: null, value: json({ ts: TS }), error: ['tagId:'] },
  {
    name: 'tagId too long (65 chars)',
    key: null,
    value: json({ tagId: 'a'.repeat(65), ts: TS }),
    error: ['tagId:', '64'],
  },
  { name: 'tagId empty', key: null, value: json({ tagId: '', ts: TS }), error: ['tagId:'] },
  {
    name: 'tagId with a space',
    key: null,
    value: json({ tagId: 'tag 1', ts: TS }),
    error: ['tagId:', 'A-Z'],
  },
  { name: 'lat 95', key: 't1', value: json({ tagId: 't1', ts: TS, lat: 95, lon: 0 }), error: ['lat:', '90'] },
  {
    name: 'lat -90.5',
    key: 't1',
    value: json({ tagId: 't1', ts: TS, lat: -90.5, lon: 0 }),
    error: ['lat:', '-90'],
  },
  {
    name: 'lon 180.1',
    key: 't1',
    value: json({ tagId: 't1', ts: TS, lat: 0, lon: 180.1 }),
    error: ['lon:', '180'],
  },
  {
    name: 'lon as a string',
    key: 't1',
    value: json({ tagId: 't1', ts: TS, lat: 51.5, lon: '-0.1' }),
    error: ['lon:', 'number'],
  },
  {
    name: 'lat without lon',
    key: 't1',
    value: json({ tagId: 't1', ts: TS, lat: 51.5 }),
    error: ['lon:', 'both lat and lon'],
  },
  {
    name: 'lon without lat',
    key: 't1',
    value: json({ tagId: 't1', ts: TS, lon: -0.1 }),
    error: ['lat:', 'both lat and lon'],
  },
  { name: 'ts missing', key: 't1', value: json({ tagId: 't1' }), error: ['ts:'] },
  {
    name: 'ts not an integer (1.5)',
    key: 't1',
    value: json({ tagId: 't1', ts: 1.5 }),
    error: ['ts:', 'int'],
  },
  {
    name: 'ts as a string',
    key: 't1',
    value: json({ tagId: 't1', ts: String(TS) }),
    error: ['ts:', 'number'],
  },
  {
    name: 'accuracyM negative',
    key: 't1',
    value: json({ tagId: 't1', ts: TS, lat: 1, lon: 1, accuracyM: -3 }),
    error: ['accuracyM:', '>0'],
  },
  {
    name: 'accuracyM zero',
    key: 't1',
    value: json({ tagId: 't1', ts: TS, lat: 1, lon: 1, accuracyM: 0 }),
    error: ['accuracyM:'],
  },
  {
    name: 'battery above 1',
    key: 't1',
    value: json({ tagId: 't1', ts: TS, battery: 1.01 }),
    error: ['battery:', '1'],
  },
  {
    name: 'strap unknown',
    key: 't1',
    value: json({ tagId: 't1', ts: TS, strap: 'cut' }),
    error: ['strap:', 'tampered'],
  },
  {
    name: '2 MB value',
    key: 't1',
    value: Buffer.alloc(2 * 1024 * 1024, 0x20),
    error: ['too large', String(2 * 1024 * 1024), String(DEFAULT_MAX_PING_BYTES)],
  },
  { name: 'key mismatch', key: 't2', value: json({ tagId: 't1', ts: TS }), error: ['key:', 'tagId'] },
  {
    name: 'key mismatch (Buffer key)',
    key: Buffer.from('T1'),
    value: json({ tagId: 't1', ts: TS }),
    error: ['key:'],
  },
];

describe('decodePing refuses, naming the problem', () => {
  for (const c of BAD) {
    it(c.name, () => {
      const decoded = decodePing(c.key, c.value);
      expect(decoded.ok).toBe(false);
      if (decoded.ok) return;
      for (const part of c.error) expect(decoded.error).toContain(part);
    });
  }

  it('names every bad field at once', () => {
    const decoded = decodePing('t1', json({ tagId: 't1', ts: 1.5, lat: 95, lon: 0, battery: 2 }));
    expect(decoded.ok || decoded.error).toMatch(/ts:.*lat:.*battery:/);
  });

  it('applies a smaller byte limit when given one', () => {
    const value = json({ tagId: 't1', ts: TS });
    expect(decodePing('t1', value, value.length).ok).toBe(true);
    const decoded = decodePing('t1', value, value.length - 1);
    expect(decoded.ok || decoded.error).toContain('too large');
  });
});

describe('decodePing accepts', () => {
  it('a fix, from a Buffer, keyed by its tagId', () => {
    const ping = {
      tagId: 'tag-0001',
      ts: TS,
      lat: 51.5,
      lon: -0.1,
      accuracyM: 12,
      battery: 0.8,
      strap: 'ok',
    };
    expect(decodePing(Buffer.from('tag-0001'), Buffer.from(json(ping)))).toEqual({ ok: true, value: ping });
  });

  it('a status and a heartbeat', () => {
    expect(decodePing('t1', json({ tagId: 't1', ts: TS, strap: 'tampered' })).ok).toBe(true);
    expect(decodePing('t1', json({ tagId: 't1', ts: TS })).ok).toBe(true);
  });

  it('keys: a record without a key is refused (it would split a tag across partitions)', () => {
    for (const key of [null, undefined]) {
      const decoded = decodePing(key, json({ tagId: 't1', ts: TS }));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.error).toMatch(/^key: missing/);
    }
  });

  it('the boundary values', () => {
    const edge = { tagId: 'A'.repeat(64), ts: 0, lat: -90, lon: 180, battery: 0 };
    expect(decodePing(edge.tagId, json(edge))).toEqual({ ok: true, value: edge });
    expect(
      decodePing('a.b_c:d-e', json({ tagId: 'a.b_c:d-e', ts: -1, lat: 90, lon: -180, battery: 1 })).ok,
    ).toBe(true);
  });

  it('unknown fields, ignoring them (stripped from the value)', () => {
    const decoded = decodePing(
      't1',
      json({ tagId: 't1', ts: TS, firmware: '2.1.0', speed: 3, nested: { a: 1 } }),
    );
    expect(decoded).toEqual({ ok: true, value: { tagId: 't1', ts: TS } });
  });
});
