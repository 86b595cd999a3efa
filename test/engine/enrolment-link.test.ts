/**
 * The state's link to its enrolment (enrolment-link.ts) is only a cache of
 * world.enrolments.get(tagId): every change of the table shows at the next ping, and the link
 * is not part of the state's data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Enrolment } from '../../src/contract/index.js';
import { linkedEnrolment, wearerAt } from '../../src/engine/enrolment-link.js';
import { subjectAt } from '../../src/engine/enrolment-table.js';
import {
  cloneTagState,
  decodeTagState,
  EnrolmentTable,
  encodeTagState,
  encodeTagStateCompact,
  newTagState,
} from '../../src/engine/index.js';
import { compileZone, ZoneIndex } from '../../src/geo/index.js';
import { circle, Harness, LAT0, LON0, sec, TAG } from './engine-fixtures.js';

const zones = [circle('home', 100), circle('other', 100, { subjectId: 's2' })];

describe('enrolment link', () => {
  it('given a linked state, when the enrolment is removed, replaced or the table swapped, then the next ping sees it', () => {
    const h = new Harness(zones);
    expect(h.fix(0, 500, { acc: 10 })).toBe('applied');
    h.world.enrolments.remove(TAG);
    expect(h.fix(60, 500, { acc: 10 })).toBe('unenrolled');
    h.world.enrolments.upsert({ tagId: TAG, subjectId: 's1' });
    expect(h.fix(120, 500, { acc: 10 })).toBe('applied');
    // Now worn by s2: its zone applies and the state starts afresh for the new enrolment.
    h.world.enrolments.upsert({ tagId: TAG, subjectId: 's2' });
    expect(h.fix(180, 0, { acc: 10 })).toBe('applied');
    expect(h.fix(240, 0, { acc: 10 })).toBe('applied');
    expect(h.alerts.map((a) => [a.type, a.subjectId, a.zoneId])).toEqual([
      ['EXCLUSION_ENTERED', 's2', 'other'],
    ]);
    expect(h.state.enrolment).toBe('s2|');
    expect(h.state.recentTs).toEqual([sec(180), sec(240)]);
    // A different table object (a rebuilt world) is consulted, whatever its version.
    const swapped = new EnrolmentTable();
    (h.world as { enrolments: EnrolmentTable }).enrolments = swapped;
    expect(h.fix(300, 0, { acc: 10 })).toBe('unenrolled');
    swapped.upsert({ tagId: TAG, subjectId: 's2', validFrom: sec(400) });
    expect(h.fix(360, 0, { acc: 10 })).toBe('unenrolled'); // not yet valid
    expect(h.fix(420, 0, { acc: 10 })).toBe('applied');
    expect(h.state.enrolment).toBe(`s2|${sec(400)}`);
  });

  it('given a linked subject, when its zones are removed, re-added or the index rebuilt, then the next fix sees them', () => {
    const h = new Harness([circle('home', 100)]);
    const inside = () => h.alerts.filter((a) => a.type === 'EXCLUSION_ENTERED').length;
    h.fix(0, 500, { acc: 10 });
    expect(h.world.zones.remove('home')).toBe(true); // the subject's last zone: its record goes
    h.fix(60, 0, { acc: 5 });
    h.fix(120, 0, { acc: 5 });
    expect(inside()).toBe(0);
    h.world.zones.upsert(compileZone(circle('home', 100))); // a new record for the subject
    h.fix(180, 0, { acc: 5 });
    h.fix(240, 0, { acc: 5 });
    expect(inside()).toBe(1);
    h.fix(300, 500, { acc: 5 });
    h.fix(360, 500, { acc: 5 });
    // A rebuilt index (as after a zone table reload) with the zone elsewhere.
    (h.world as { zones: ZoneIndex }).zones = ZoneIndex.build([
      compileZone(circle('far', 100, { geometry: { type: 'Point', coordinates: [LON0 + 1, LAT0] } })),
    ]);
    h.fix(420, 0, { acc: 5 });
    h.fix(480, 0, { acc: 5 });
    expect(inside()).toBe(1);
    // A second zone for the subject, added to the live record.
    h.world.zones.upsert(compileZone(circle('home2', 100)));
    h.fix(540, 0, { acc: 5 });
    h.fix(600, 0, { acc: 5 });
    expect(h.alerts.filter((a) => a.type === 'EXCLUSION_ENTERED').map((a) => a.zoneId)).toEqual([
      'home',
      'home2',
    ]);
  });

  it('holds neither the table nor the index (a replaced one must not stay alive)', () => {
    const h = new Harness(zones);
    h.fix(0, 500, { acc: 10 });
    const link = (h.state as unknown as Record<symbol, Record<string, unknown>>)[
      Object.getOwnPropertySymbols(h.state)[0]!
    ]!;
    expect(Object.values(link)).not.toContain(h.world.enrolments);
    expect(Object.values(link)).not.toContain(h.world.zones);
    expect(typeof link.version).toBe('number');
  });

  it('is not part of the state: encodings, copies and equality ignore it', () => {
    const h = new Harness(zones);
    h.fix(0, 500, { acc: 10 });
    const plain = decodeTagState(encodeTagState(h.state));
    expect(Object.getOwnPropertySymbols(h.state)).toHaveLength(1); // linked...
    expect(Object.getOwnPropertySymbols(plain)).toHaveLength(0); // ...the decoded copy is not
    expect(h.state).toEqual(plain);
    expect(encodeTagState(h.state)).toBe(encodeTagState(plain));
    expect(encodeTagStateCompact(h.state)).toBe(encodeTagStateCompact(plain));
    expect(Object.getOwnPropertySymbols(cloneTagState(h.state))).toHaveLength(0);
    expect(Object.keys(h.state)).toEqual(Object.keys(newTagState(TAG)));
  });
});

describe('wearerAt: the subject at a time, from the link alone', () => {
  it('equals subjectAt(table.get(tagId), ts) through upserts, removals and validity windows (property)', () => {
    const bound = fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined });
    const op = fc.oneof(
      fc.record({ subjectId: fc.constantFrom('s1', 's2'), validFrom: bound, validTo: bound }),
      fc.constant('remove' as const),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(op, fc.array(fc.integer({ min: -1, max: 21 }), { maxLength: 6 })), {
          maxLength: 30,
        }),
        (steps) => {
          const table = new EnrolmentTable();
          const state = newTagState('T');
          for (const [o, times] of steps) {
            if (o === 'remove') table.remove('T');
            else {
              const e: Enrolment = { tagId: 'T', subjectId: o.subjectId };
              if (o.validFrom !== undefined) e.validFrom = o.validFrom;
              if (o.validTo !== undefined) e.validTo = o.validTo;
              table.upsert(e);
            }
            for (const ts of times)
              expect(wearerAt(linkedEnrolment(table, state), ts)).toBe(subjectAt(table.get('T'), ts));
          }
        },
      ),
      { numRuns: 300, seed: 2026 },
    );
  });
});
