/** A derived profile, and the docs' example, validate against schemas/device-profile.schema.json (ajv) and zod. */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DeviceProfileSchema } from '../../src/contract/index.js';
import { DEFAULT_PROFILE_CONFIG, deriveDeviceProfile } from '../../src/engine/index.js';
import { compileZone } from '../../src/geo/index.js';

const schema = JSON.parse(
  readFileSync(new URL('../../schemas/device-profile.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

describe('device-profile JSON Schema', () => {
  const zones = [
    compileZone({
      zoneId: 'z1',
      subjectId: 's1',
      kind: 'exclusion',
      geometry: { type: 'Point', coordinates: [-0.1, 51.5] },
      radiusM: 200,
      warningM: 500,
      validTo: Date.UTC(2027, 0, 1),
    }),
    compileZone({
      zoneId: 'z2',
      subjectId: 's1',
      kind: 'inclusion',
      geometry: { type: 'Point', coordinates: [-0.05, 51.48] },
      radiusM: 150,
      schedule: { tz: 'Europe/London', windows: [{ days: ['mon'], start: '19:00', end: '07:00' }] },
    }),
  ];
  const { profile } = deriveDeviceProfile(
    { tagId: 'T1', enrolment: { tagId: 'T1', subjectId: 's1' }, zones, now: Date.UTC(2026, 5, 1) },
    DEFAULT_PROFILE_CONFIG,
    (m) => createHmac('sha256', 'k').update(m).digest(),
  );

  it('a derived profile is valid for zod and for the JSON Schema', () => {
    expect(DeviceProfileSchema.safeParse(profile).success).toBe(true);
    expect(validate(JSON.parse(JSON.stringify(profile))) ? 'ok' : validate.errors).toBe('ok');
  });

  it('rejects a profile without triggers or with a malformed id', () => {
    expect(validate({ ...profile, triggers: [] })).toBe(false);
    expect(validate({ ...profile, profileId: 'z1' })).toBe(false);
  });
});
