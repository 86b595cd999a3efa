/**
 * Generates schemas/*.schema.json (JSON Schema 2020-12) and schemas/asyncapi.json (AsyncAPI 3.0,
 * every topic and message, payloads as JSON Schema draft-07) from the zod contract in
 * src/contract/, for the teams that produce and consume Fenceline's topics without TypeScript.
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
  AlertActionSchema,
  AlertSchema,
  ConsoleAuditSchema,
  DeviceProfileSchema,
  EnrolmentSchema,
  EvidenceFix,
  NotificationRecordSchema,
  PingSchema,
  PointGeometry,
  PolygonGeometry,
  Schedule,
  ScheduleWindow,
  ZoneSchema,
} from '../src/contract/index.js';
import { ASYNCAPI_FILE, renderAsyncApi } from './asyncapi.js';
import {
  ALERT_ACTION_DESCRIPTIONS,
  ALERT_DESCRIPTIONS,
  CONSOLE_AUDIT_DESCRIPTIONS,
  DEVICE_PROFILE_DESCRIPTIONS,
  ENROLMENT_DESCRIPTIONS,
  NOTIFICATION_DESCRIPTIONS,
  PING_DESCRIPTIONS,
  ZONE_DESCRIPTIONS,
} from './schema-descriptions.js';

export const SCHEMAS_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));

type Json = Record<string, unknown>;

/**
 * The JSON Schema dialect to emit: 2020-12 for schemas/*.schema.json; draft-07 for the AsyncAPI
 * document, whose payload schemas are AsyncAPI Schema Objects (a superset of draft-07).
 */
export type Target = 'draft-2020-12' | 'draft-7';

export interface SchemaSpec {
  /** The message's name in the AsyncAPI document. */
  name: string;
  file: string;
  schema: z.ZodType;
  title: string;
  description: string;
  fields: Record<string, string>;
  /** Constraints zod keeps in refinements that JSON Schema can state. */
  extra?: (root: Json, target: Target) => void;
}

const UNKNOWN_FIELDS =
  'Unknown fields are ignored, and new optional fields may be added (the contract changes only additively).';

const SPECS: SchemaSpec[] = [
  {
    name: 'ping',
    file: 'ping.schema.json',
    schema: PingSchema,
    title: 'Fenceline Ping',
    description: `A tag's report on the pings topic (key: tagId): a location fix, a device status, or both; one with neither is a heartbeat. ${UNKNOWN_FIELDS}`,
    fields: PING_DESCRIPTIONS,
    extra: (root, target) => {
      // draft-07 spells dependentRequired as dependencies.
      root[target === 'draft-7' ? 'dependencies' : 'dependentRequired'] = { lat: ['lon'], lon: ['lat'] };
    },
  },
  {
    name: 'zone',
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
    name: 'enrolment',
    file: 'enrolment.schema.json',
    schema: EnrolmentSchema,
    title: 'Fenceline Enrolment',
    description: `Who wears a tag, and when, on the compacted enrolments topic (key: tagId; a null value ends the enrolment). ${UNKNOWN_FIELDS}`,
    fields: ENROLMENT_DESCRIPTIONS,
  },
  {
    name: 'alert',
    file: 'alert.schema.json',
    schema: AlertSchema,
    title: 'Fenceline Alert',
    description: `An alert on the alerts topic (key: subjectId), written transactionally: read it with isolation level read_committed. ${UNKNOWN_FIELDS}`,
    fields: ALERT_DESCRIPTIONS,
  },
  {
    name: 'alertAction',
    file: 'alert-action.schema.json',
    schema: AlertActionSchema,
    title: 'Fenceline Alert Action',
    description: `An operator's action on an incident, on the alert-actions topic (key: incidentId): the incident audit trail, written by the monitoring-centre console. ${UNKNOWN_FIELDS}`,
    fields: ALERT_ACTION_DESCRIPTIONS,
    extra: (root) => {
      const kindIs = (kind: string) => ({
        type: 'object',
        properties: { kind: { const: kind } },
        required: ['kind'],
      });
      root.allOf = [
        {
          description: 'A close has an outcome; no other action has one.',
          if: kindIs('close'),
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
          then: { type: 'object', properties: { outcome: { type: 'string' } }, required: ['outcome'] },
          else: { type: 'object', properties: { outcome: false } },
        },
        {
          description:
            'A note action has note text (that it is not blank is not expressible here; the zod contract checks it).',
          if: kindIs('note'),
          // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
          then: {
            type: 'object',
            properties: { note: { type: 'string', minLength: 1 } },
            required: ['note'],
          },
        },
      ];
    },
  },
  {
    name: 'notification',
    file: 'notification.schema.json',
    schema: NotificationRecordSchema,
    title: 'Fenceline Notification Record',
    description: `The notifier's ledger on the notifications topic (key: notificationId): one record per delivery attempt or outcome of an alert sent to a notification endpoint. ${UNKNOWN_FIELDS}`,
    fields: NOTIFICATION_DESCRIPTIONS,
  },
  {
    name: 'consoleAudit',
    file: 'console-audit.schema.json',
    schema: ConsoleAuditSchema,
    title: 'Fenceline Console Audit Record',
    description: `A record that someone viewed a zone's geometry or a subject's track in the console, on the console-audit topic (key: subjectId), so a leak can be traced. It names ids only, never what was shown. ${UNKNOWN_FIELDS}`,
    fields: CONSOLE_AUDIT_DESCRIPTIONS,
  },
  {
    name: 'deviceProfile',
    file: 'device-profile.schema.json',
    schema: DeviceProfileSchema,
    title: 'Fenceline Device Profile',
    description: `Where a tag must report in real time, on the compacted device-config topic (key: tagId; a null value means no profile: report on the default schedule everywhere). Tag gateways push it to the device. See docs/contract/device-profiles.md. ${UNKNOWN_FIELDS}`,
    fields: DEVICE_PROFILE_DESCRIPTIONS,
  },
];

const POSITION = PointGeometry.shape.coordinates;
const LINEAR_RING = PolygonGeometry.shape.coordinates.element;
const NUMBER = { type: 'number' };

/** Per-node additions for sub-schemas the contract exports, matched by identity. */
const overrideFor = (target: Target) => (ctx: { zodSchema: unknown; jsonSchema: Json }) => {
  const { zodSchema, jsonSchema } = ctx;
  if (zodSchema === POSITION) {
    jsonSchema.description =
      'RFC 7946 position [longitude, latitude] or [longitude, latitude, altitude]; altitude is ignored.';
    const lonLat = [
      { ...NUMBER, minimum: -180, maximum: 180, description: 'longitude' },
      { ...NUMBER, minimum: -90, maximum: 90, description: 'latitude' },
    ];
    if (target === 'draft-7') {
      // draft-07 spells prefixItems as an items array, the rest as additionalItems.
      jsonSchema.items = lonLat;
      jsonSchema.additionalItems = NUMBER;
    } else {
      jsonSchema.prefixItems = lonLat;
    }
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
};

// Keys whose children are names chosen by the schema (field names), not JSON Schema keywords:
// those keep the contract's order; keywords get a fixed order so diffs stay readable.
const NAME_MAPS = new Set([
  'properties',
  '$defs',
  'definitions',
  'dependentRequired',
  'dependencies',
  'patternProperties',
]);
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

function build(spec: SchemaSpec, target: Target): Json {
  // io 'input': what a producer may send (optional-with-default fields stay optional, and
  // unknown properties stay allowed, as the contract says they are ignored).
  const root = z.toJSONSchema(spec.schema, { io: 'input', target, override: overrideFor(target) }) as Json;
  root.title = spec.title;
  root.description = spec.description;
  const properties = root.properties as Record<string, Json>;
  for (const [field, text] of Object.entries(spec.fields)) {
    const property = properties[field];
    if (!property) throw new Error(`${spec.file}: description for unknown field ${field}`);
    property.description = property.description ? `${text} ${property.description}` : text;
  }
  spec.extra?.(root, target);
  return root;
}

/**
 * Each message's payload schema for the AsyncAPI document: the same build in draft-07, without
 * `$schema` (an AsyncAPI Schema Object names its dialect through the message's schemaFormat).
 */
export function asyncApiPayloads(): Map<string, { spec: SchemaSpec; schema: Json }> {
  const out = new Map<string, { spec: SchemaSpec; schema: Json }>();
  for (const spec of SPECS) {
    const { $schema: _, ...schema } = build(spec, 'draft-7');
    out.set(spec.name, { spec, schema: stableOrder(schema) as Json });
  }
  return out;
}

/** File name → exact file content, for every schema and the AsyncAPI document. */
export function renderSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of SPECS) {
    out.set(spec.file, `${JSON.stringify(stableOrder(build(spec, 'draft-2020-12')), null, 2)}\n`);
  }
  out.set(ASYNCAPI_FILE, `${JSON.stringify(renderAsyncApi(asyncApiPayloads()), null, 2)}\n`);
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
      console.error(`stale schemas: ${stale.join(', ')}; run \`npm run schemas\` and commit the result`);
      return 1;
    }
    console.log('JSON Schemas and AsyncAPI document are fresh');
    return 0;
  }
  mkdirSync(dir, { recursive: true });
  const stale = new Set(staleSchemas(dir));
  for (const [file, text] of renderSchemas()) {
    if (!stale.has(file)) continue;
    writeFileSync(join(dir, file), text);
    console.log(`wrote ${join(dir, file)}`);
  }
  if (stale.size === 0) console.log('JSON Schemas and AsyncAPI document already fresh');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2));
}
