import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Enrolment } from '../../src/contract/index.js';
import { EnrolmentTable } from '../../src/engine/enrolment-table.js';

const tag = fc.constantFrom('T1', 'T2', 'T3', 'T4');
const enrolment: fc.Arbitrary<Enrolment> = fc
  .record(
    {
      tagId: tag,
      subjectId: fc.constantFrom('S1', 'S2', 'S3'),
      validFrom: fc.integer({ min: 0, max: 100 }),
      validTo: fc.integer({ min: 101, max: 200 }),
    },
    { requiredKeys: ['tagId', 'subjectId'] },
  )
  .map((e) => ({ ...e }) as Enrolment); // fast-check records have a null prototype
const op = fc.oneof(
  fc.record({ upsert: enrolment, seenAt: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }) }),
  fc.record({ remove: tag }),
);

describe('EnrolmentTable (property)', () => {
  it('gives back what was upserted, plain or windowed, like a Map of enrolments', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const table = new EnrolmentTable();
        const model = new Map<string, Enrolment>();
        let version = table.version;
        for (const o of ops) {
          if ('upsert' in o) {
            table.upsert(o.upsert, o.seenAt);
            model.set(o.upsert.tagId, o.upsert);
          } else {
            expect(table.remove(o.remove)).toBe(model.delete(o.remove));
          }
          expect(table.version).not.toBe(version);
          version = table.version;
          expect(table.size).toBe(model.size);
          expect([...table.tagIds()].sort()).toEqual([...model.keys()].sort());
          for (const t of ['T1', 'T2', 'T3', 'T4']) {
            const want = model.get(t);
            const got = table.get(t);
            expect(got).toStrictEqual(want);
            if (want?.validFrom !== undefined) expect(table.enrolledSince(t)).toBe(want.validFrom);
          }
        }
      }),
      { numRuns: 300, seed: 41 },
    );
  });

  it('since when: validFrom, else the first sighting of the same enrolment, kept through an equal update', () => {
    const table = new EnrolmentTable();
    table.upsert({ tagId: 'T1', subjectId: 'S1' }, 10);
    table.upsert({ tagId: 'T1', subjectId: 'S1' }, 20);
    expect(table.enrolledSince('T1')).toBe(10);
    table.upsert({ tagId: 'T1', subjectId: 'S2' }, 30); // a new wearer: a new enrolment
    expect(table.enrolledSince('T1')).toBe(30);
    table.upsert({ tagId: 'T1', subjectId: 'S2', validFrom: 5 }, 40);
    expect(table.enrolledSince('T1')).toBe(5);
    table.remove('T1');
    expect(table.enrolledSince('T1')).toBeUndefined();
  });
});
