/**
 * Generates schemas/*.schema.json (JSON Schema 2020-12) from the zod contract in src/contract/,
 * for the teams that produce and consume Fenceline's topics without TypeScript.
 *
 *   npx tsx scripts/generate-schemas.ts           write the files (npm run schemas)
 *   npx tsx scripts/generate-schemas.ts --check   exit 1 if a committed file is stale (CI)
 *   add --dir <path> to use another directory than schemas/
 *
 * zod is the source of truth; this script only adds what z.toJSONSchema cannot see:
 * - constraints zod holds in refinements but JSON Schema can express (lat/lon come as a pair,
 *   a Point zone needs radiusM, an inclusion zone has no warning ring, position ranges);
 * - descriptions, including the rules JSON Schema cannot express (closed rings, validFrom <
 *   validTo, IANA time zones), so a producer reading the schema learns them too.
 * Output is deterministic (fixed key order, two-space indent, trailing newline) so that
 * `--check` can compare bytes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  AlertSchema,
  DeviceProfileSchema,
  EnrolmentSchema,
  EvidenceFix,
  PingSchema,
  PointGeometry,
  PolygonGeometry,
  Schedule,
  ScheduleWindow,
  ZoneSchema,
} from '../src/contract/index.js';
import {
  ALERT_DESCRIPTIONS,
  DEVICE_PROFILE_DESCRIPTIONS,
  ENROLMENT_DESCRIPTIONS,
  PING_DESCRIPTIONS,
  ZONE_DESCRIPTIONS,
} from './schema-descriptions.js';

export const SCHEMAS_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));

type Json = Record<string, unknown>;

interface SchemaSpec {
  file: string;
  schema: z.ZodType;
  title: string;
  description: string;
  fields: Record<string, string>;
  /** Constraints zod keeps in refinements that JSON Schema can state. */
  extra?: (root: Json) => void;
}

const UNKNOWN_FIELDS =
  'Unknown fields are ignored, and new optional fields may be added (the contract changes only additively).';

const SPECS: SchemaSpec[] = [
  {
    file: 'ping.schema.json',
    schema: PingSchema,
    title: 'Fenceline Ping',
    description: `A tag's report on the pings topic (key: tagId): a location fix, a device status, or both; one with neither is a heartbeat. ${UNKNOWN_FIELDS}`,
    fields: PING_DESCRIPTIONS,
    extra: (root) => {
      root.dependentRequired = { lat: ['lon'], lon: ['lat'] };
    },
  },
  {
    file: 'zone.schema.json',
    schema: ZoneSchema,
    title: 'Fenceline Zone',
    description: `A zone on the compacted zones topic (key: zoneId; a null value deletes it). ${UNKNOWN_FIELDS}`,
    fields: ZONE_DESCRIPTIONS,
    extra: (root) => {
      root.allOf = [
        {
          description: 'A Point geometry needs radiusM: the zone is that circle.',
          if: {
            type: 'object',
            properties: {
              geometry: { type: 'object', properties: { type: { const: 'Point' } }, required: ['type'] },
            },
            required: ['geometry'],
          },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
          then: { type: 'object', properties: { radiusM: { type: 'number' } }, required: ['radiusM'] },
        },
        {
          description: 'Only exclusion zones have a warning ring.',
          if: { type: 'object', properties: { kind: { const: 'inclusion' } }, required: ['kind'] },
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
          then: { type: 'object', properties: { warningM: { type: 'number', maximum: 0 } } },
        },
      ];
    },
  },
  {
    file: 'enrolment.schema.json',
    schema: EnrolmentSchema,
    title: 'Fenceline Enrolment',
    description: `Who wears a tag, and when, on the compacted enrolments topic (key: tagId; a null value ends the enrolment). ${UNKNOWN_FIELDS}`,
    fields: ENROLMENT_DESCRIPTIONS,
  },
  {
    file: 'alert.schema.json',
    schema: AlertSchema,
    title: 'Fenceline Alert',
    description: `An alert on the alerts topic (key: subjectId), written transactionally: read it with isolation level read_committed. ${UNKNOWN_FIELDS}`,
    fields: ALERT_DESCRIPTIONS,
  },
  {
    file: 'device-profile.schema.json',
    schema: DeviceProfileSchema,
    title: 'Fenceline Device Profile',
    description: `Where a tag must report in real time, on the compacted device-config topic (key: tagId; a null value means no profile: report on the default schedule everywhere). Tag gateways push it to the device. See docs/contract/profiles.md. ${UNKNOWN_FIELDS}`,
    fields: DEVICE_PROFILE_DESCRIPTIONS,
  },
];

const POSITION = PointGeometry.shape.coordinates;
const LINEAR_RING = PolygonGeometry.shape.coordinates.element;
const NUMBER = { type: 'number' };

/** Per-node additions for sub-schemas the contract exports, matched by identity. */
function override(ctx: { zodSchema: unknown; jsonSchema: Json }): void {
  const { zodSchema, jsonSchema } = ctx;
  if (zodSchema === POSITION) {
    jsonSchema.description =
      'RFC 7946 position [longitude, latitude] or [longitude, latitude, altitude]; altitude is ignored.';
    jsonSchema.prefixItems = [
      { ...NUMBER, minimum: -180, maximum: 180, description: 'longitude' },
      { ...NUMBER, minimum: -90, maximum: 90, description: 'latitude' },
    ];
  } else if (zodSchema === LINEAR_RING) {
    jsonSchema.description =
      'A closed linear ring: the first position equals the last (not expressible in JSON Schema; the worker checks it). The first ring of a polygon is its outer boundary, the others are holes.';
  } else if (zodSchema === Schedule.shape.tz) {
    jsonSchema.description =
      'IANA time zone, e.g. Europe/London; daylight saving applies. The worker refuses names its ICU does not know.';
  } else if (zodSchema === ScheduleWindow) {
    jsonSchema.description =
      'Active when the local time falls in [start, end) on one of days. end <= start runs past midnight into the next day; days names the day the window starts.';
  } else if (zodSchema === EvidenceFix) {
    jsonSchema.description = 'A fix the decision rests on.';
  }
}

// Keys whose children are names chosen by the schema (field names), not JSON Schema keywords:
// those keep the contract's order; keywords get a fixed order so diffs stay readable.
const NAME_MAPS = new Set(['properties', '$defs', 'dependentRequired', 'patternProperties']);
const FIRST = ['$schema', '$id', 'title', 'description', 'type'];

function keywordRank(key: string): number {
  const i = FIRST.indexOf(key);
  return i === -1 ? FIRST.length : i;
}

export function stableOrder(value: unknown, isNameMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => stableOrder(v));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (!isNameMap) keys.sort((a, b) => keywordRank(a) - keywordRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Json = {};
  for (const key of keys) out[key] = stableOrder((value as Json)[key], !isNameMap && NAME_MAPS.has(key));
  return out;
}

function build(spec: SchemaSpec): Json {
  // io 'input': what a producer may send (optional-with-default fields stay optional, and
  // unknown properties stay allowed, as the contract says they are ignored).
  const root = z.toJSONSchema(spec.schema, { io: 'input', target: 'draft-2020-12', override }) as Json;
  root.title = spec.title;
  root.description = spec.description;
  const properties = root.properties as Record<string, Json>;
  for (const [field, text] of Object.entries(spec.fields)) {
    const property = properties[field];
    if (!property) throw new Error(`${spec.file}: description for unknown field ${field}`);
    property.description = property.description ? `${text} ${property.description}` : text;
  }
  spec.extra?.(root);
  return root;
}

/** File name → exact file content, for every schema. */
export function renderSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of SPECS) out.set(spec.file, `${JSON.stringify(stableOrder(build(spec)), null, 2)}\n`);
  return out;
}

/** Files under `dir` that differ from a fresh render (missing counts as stale). */
export function staleSchemas(dir = SCHEMAS_DIR): string[] {
  const stale: string[] = [];
  for (const [file, text] of renderSchemas()) {
    const path = join(dir, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(file);
  }
  return stale;
}

function main(argv: string[]): number {
  // --dir <path>: compare or write elsewhere than schemas/ (tests use it).
  const dirAt = argv.indexOf('--dir');
  const dir = dirAt === -1 ? SCHEMAS_DIR : argv[dirAt + 1];
  if (dir === undefined) {
    console.error('--dir needs a path');
    return 2;
  }
  if (argv.includes('--check')) {
    const stale = staleSchemas(dir);
    if (stale.length > 0) {
      console.error(`stale JSON Schemas: ${stale.join(', ')}; run \`npm run schemas\` and commit the result`);
      return 1;
    }
    console.log('JSON Schemas are fresh');
    return 0;
  }
  mkdirSync(dir, { recursive: true });
  const stale = new Set(staleSchemas(dir));
  for (const [file, text] of renderSchemas()) {
    if (!stale.has(file)) continue;
    writeFileSync(join(dir, file), text);
    console.log(`wrote ${join(dir, file)}`);
  }
  if (stale.size === 0) console.log('JSON Schemas already fresh');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2));
}
