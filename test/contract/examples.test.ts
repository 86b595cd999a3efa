import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  AlertActionSchema,
  AlertSchema,
  describeZodError,
  EnrolmentSchema,
  NotificationRecordSchema,
  PingSchema,
  ZoneSchema,
} from '../../src/contract/index.js';

const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));
const EXAMPLES = join(SCHEMAS, 'examples');
const INVALID = join(EXAMPLES, 'invalid');

type Kind = 'ping' | 'zone' | 'enrolment' | 'alert' | 'alert-action' | 'notification';
const ZOD: Record<Kind, z.ZodType> = {
  ping: PingSchema,
  zone: ZoneSchema,
  enrolment: EnrolmentSchema,
  alert: AlertSchema,
  'alert-action': AlertActionSchema,
  notification: NotificationRecordSchema,
};

// strict: true makes ajv refuse unknown keywords and loose typing in the generated schemas.
// Except strictTuples: a GeoJSON position is deliberately an open tuple, [lon, lat] plus an
// optional altitude, which ajv's strict mode would flag.
const ajv = new Ajv2020({ strict: true, strictTuples: false, allErrors: true });
const JSON_SCHEMA = Object.fromEntries(
  (Object.keys(ZOD) as Kind[]).map((kind) => [
    kind,
    ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, `${kind}.schema.json`), 'utf8'))),
  ]),
) as Record<Kind, ValidateFunction>;

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const kindOf = (file: string): Kind =>
  file.startsWith('alert-action-') ? 'alert-action' : (file.split(/[-.]/)[0] as Kind);

const VALID = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));

describe('valid examples', () => {
  it('cover every case the contract names', () => {
    expect(VALID.sort()).toEqual(
      [
        'alert-action-acknowledge.json',
        'alert-action-close.json',
        'alert-exclusion-entered.json',
        'alert-no-signal.json',
        'enrolment.json',
        'notification-delivered.json',
        'notification-exhausted.json',
        'notification-retrying.json',
        'ping-fix.json',
        'ping-heartbeat.json',
        'ping-status.json',
        'zone-circle.json',
        'zone-curfew-inclusion.json',
        'zone-multipolygon.json',
        'zone-polygon-with-hole.json',
      ].sort(),
    );
  });

  for (const file of VALID) {
    const kind = kindOf(file);
    it(`${file} parses with the zod ${kind} schema, unchanged`, () => {
      const value = readJson(join(EXAMPLES, file));
      const parsed = ZOD[kind].safeParse(value);
      expect(parsed.success ? 'ok' : describeZodError(parsed.error)).toBe('ok');
      expect(parsed.data).toEqual(value); // no field of an example is silently dropped
    });
    it(`${file} validates against schemas/${kind}.schema.json`, () => {
      const validate = JSON_SCHEMA[kind];
      expect(validate(readJson(join(EXAMPLES, file))) ? 'ok' : ajv.errorsText(validate.errors)).toBe('ok');
    });
  }

  it('the curfew runs 19:00-07:00 Europe/London', () => {
    const zone = ZoneSchema.parse(readJson(join(EXAMPLES, 'zone-curfew-inclusion.json')));
    expect(zone.kind).toBe('inclusion');
    expect(zone.schedule).toMatchObject({ tz: 'Europe/London', windows: [{ start: '19:00', end: '07:00' }] });
  });

  it('the polygon has a hole', () => {
    const zone = ZoneSchema.parse(readJson(join(EXAMPLES, 'zone-polygon-with-hole.json')));
    expect(zone.geometry.type === 'Polygon' && zone.geometry.coordinates.length).toBe(2);
  });
});

interface Expectation {
  schema: Kind;
  field: string;
  note: string;
  jsonSchemaRejects: boolean;
}
const { $comment: _, ...EXPECTED } = readJson(join(INVALID, 'expected.json')) as Record<
  string,
  Expectation
> & {
  $comment: string;
};

describe('invalid examples', () => {
  it('each file has exactly one expectation, and the other way round', () => {
    const files = readdirSync(INVALID).filter((f) => f.endsWith('.json') && f !== 'expected.json');
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [file, e] of Object.entries(EXPECTED)) {
      expect(kindOf(file), file).toBe(e.schema);
      expect(e.note.length, file).toBeGreaterThan(5);
    }
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file} fails with the zod ${expected.schema} schema naming ${expected.field}`, () => {
      const parsed = ZOD[expected.schema].safeParse(readJson(join(INVALID, file)));
      expect(parsed.success).toBe(false);
      const reason = describeZodError(parsed.error!);
      expect(reason.startsWith(`${expected.field}: `), reason).toBe(true);
    });

    it(`${file} ${expected.jsonSchemaRejects ? 'is refused' : 'is (knowingly) let through'} by the JSON Schema`, () => {
      const validate = JSON_SCHEMA[expected.schema];
      expect(validate(readJson(join(INVALID, file)))).toBe(!expected.jsonSchemaRejects);
    });
  }
});

describe('unknown fields', () => {
  it('are ignored by both the zod schema and the JSON Schema', () => {
    const ping = {
      ...(readJson(join(EXAMPLES, 'ping-fix.json')) as object),
      firmware: '2.1',
      extra: { a: 1 },
    };
    expect(PingSchema.parse(ping)).not.toHaveProperty('firmware');
    expect(JSON_SCHEMA.ping(ping)).toBe(true);
  });
});
