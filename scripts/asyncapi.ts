/**
 * The AsyncAPI 3.0 document of Fenceline's wire contract (schemas/asyncapi.json): one channel per
 * topic (the DLQ and the centre's topics included), one message per kind of record, each with its
 * Kafka key, and operations saying which side Fenceline is on. generate-schemas.ts calls
 * renderAsyncApi with the payload schemas it builds from the zod contract (draft-07, the dialect
 * an AsyncAPI Schema Object extends), so the document cannot drift from the code: `npm run
 * schemas -- --check` and test/contract/schemas-fresh.test.ts compare it byte for byte, and
 * test/contract/asyncapi.test.ts parses it with @asyncapi/parser.
 *
 * Topic names come from DEFAULT_TOPICS and DEFAULT_CENTRE_TOPICS, the DLQ headers from
 * DLQ_HEADERS; examples are the valid ones in schemas/examples/. The prose rules live in
 * docs/CONTRACT.md.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_CENTRE_TOPICS,
  DEFAULT_DEVICE_CONFIG_TOPIC,
  DEFAULT_TOPICS,
  DLQ_HEADERS,
} from '../src/contract/index.js';
import type { SchemaSpec } from './generate-schemas.js';

export const ASYNCAPI_FILE = 'asyncapi.json';
const KAFKA_BINDING = '0.5.0';
const ROOT = new URL('../', import.meta.url);

type Json = Record<string, unknown>;
export type Payloads = Map<string, { spec: SchemaSpec; schema: Json }>;

const ref = (path: string) => ({ $ref: `#/${path}` });

interface MessageDef {
  /** Name in components.messages. */
  id: string;
  /** The contract message whose payload schema it carries; absent for a tombstone or a DLQ copy. */
  payloadOf?: string;
  title: string;
  summary: string;
  /** The key: a field of a contract message (its schema is that field's), or a schema of its own. */
  key: { of: string; field: string; text: string } | { schema: Json };
  /** Files in schemas/examples/ to show as examples. */
  examples?: string[];
  extra?: Json;
}

interface ChannelDef {
  id: string;
  address: string;
  title: string;
  description: string;
  messages: string[];
  compacted?: boolean;
  /** What Fenceline does with the topic: reads it, or writes it. */
  action: 'receive' | 'send';
  operation: string;
}

const TOMBSTONE_PAYLOAD = { type: 'null', description: 'A Kafka tombstone: the record has no value.' };

const MESSAGES: MessageDef[] = [
  {
    id: 'ping',
    payloadOf: 'ping',
    title: 'Ping',
    summary: 'A tag’s report: a location fix, a device status, or both; one with neither is a heartbeat.',
    key: { of: 'ping', field: 'tagId', text: 'The tagId. A ping whose key differs goes to the DLQ.' },
    examples: ['ping-fix.json', 'ping-status.json', 'ping-heartbeat.json'],
  },
  {
    id: 'zone',
    payloadOf: 'zone',
    title: 'Zone',
    summary: 'A zone around a place the subject must stay out of (exclusion) or in (inclusion).',
    key: { of: 'zone', field: 'zoneId', text: 'The zoneId.' },
    examples: ['zone-circle.json', 'zone-polygon-with-hole.json', 'zone-curfew-inclusion.json'],
  },
  {
    id: 'zoneDeletion',
    title: 'Zone deletion',
    summary: 'A null value (tombstone) deletes the zone with this key.',
    key: { of: 'zone', field: 'zoneId', text: 'The zoneId of the zone to delete.' },
  },
  {
    id: 'enrolment',
    payloadOf: 'enrolment',
    title: 'Enrolment',
    summary: 'Who wears a tag, and when.',
    key: { of: 'enrolment', field: 'tagId', text: 'The tagId.' },
    examples: ['enrolment.json'],
  },
  {
    id: 'enrolmentEnd',
    title: 'Enrolment end',
    summary: 'A null value (tombstone) ends the enrolment of the tag with this key.',
    key: { of: 'enrolment', field: 'tagId', text: 'The tagId whose enrolment ends.' },
  },
  {
    id: 'alert',
    payloadOf: 'alert',
    title: 'Alert',
    summary: 'A breach or device alert for the monitoring centre; read with isolation level read_committed.',
    key: { of: 'alert', field: 'subjectId', text: 'The subjectId of the monitored person.' },
    examples: ['alert-exclusion-entered.json', 'alert-no-signal.json'],
  },
  {
    id: 'pingDeadLetter',
    title: 'Dead-lettered ping',
    summary: 'A ping that could not be used, copied unchanged, with the reason in a header.',
    key: { schema: { type: 'string', description: 'The original record’s key, unchanged (may be absent).' } },
    extra: {
      contentType: 'application/octet-stream',
      headers: {
        type: 'object',
        description: 'Kafka headers, UTF-8 strings.',
        properties: {
          [DLQ_HEADERS.error]: {
            type: 'string',
            description:
              'Why, in words, naming the field (e.g. "lat: Too big: expected number to be <=90"); a JSON syntax error gives a position, never the input text.',
          },
          [DLQ_HEADERS.sourceTopic]: { type: 'string', description: 'The topic the ping was read from.' },
          [DLQ_HEADERS.sourcePartition]: {
            type: 'string',
            pattern: '^[0-9]+$',
            description: 'Its partition, in decimal.',
          },
          [DLQ_HEADERS.sourceOffset]: {
            type: 'string',
            pattern: '^[0-9]+$',
            description: 'Its offset, in decimal.',
          },
        },
        required: Object.values(DLQ_HEADERS),
      },
      payload: {
        description:
          'The original value bytes, unchanged: not necessarily JSON, possibly empty or larger than the ping size limit.',
      },
    },
  },
  {
    id: 'alertAction',
    payloadOf: 'alertAction',
    title: 'Alert action',
    summary: 'An operator’s action on an incident: the incident audit trail.',
    key: { of: 'alertAction', field: 'incidentId', text: 'The incidentId.' },
    examples: ['alert-action-acknowledge.json', 'alert-action-close.json'],
  },
  {
    id: 'notification',
    payloadOf: 'notification',
    title: 'Notification record',
    summary: 'One delivery attempt or outcome of an alert sent to a notification endpoint.',
    key: { of: 'notification', field: 'notificationId', text: 'The notificationId (the webhook-id).' },
    examples: ['notification-delivered.json', 'notification-retrying.json', 'notification-exhausted.json'],
  },
  {
    id: 'consoleAudit',
    payloadOf: 'consoleAudit',
    title: 'Console audit record',
    summary: 'Someone viewed a zone’s geometry or a subject’s track in the console (ids only).',
    key: { of: 'consoleAudit', field: 'subjectId', text: 'The subjectId whose data was viewed.' },
  },
  {
    id: 'deviceProfile',
    payloadOf: 'deviceProfile',
    title: 'Device profile',
    summary:
      'Where a tag must report in real time: coarsened trigger areas and the reporting policy inside them.',
    key: { of: 'deviceProfile', field: 'tagId', text: 'The tagId.' },
  },
  {
    id: 'deviceProfileRemoval',
    title: 'Device profile removal',
    summary:
      'A null value (tombstone): the tag has no profile and reports on its default schedule everywhere.',
    key: { of: 'deviceProfile', field: 'tagId', text: 'The tagId.' },
  },
];

const CHANNELS: ChannelDef[] = [
  {
    id: 'pings',
    address: DEFAULT_TOPICS.pings,
    title: 'Pings',
    description:
      'Tag reports, partitioned by tagId so one tag’s pings stay in order. Written by tag gateways.',
    messages: ['ping'],
    action: 'receive',
    operation: 'The worker decides, per ping, which alerts it raises.',
  },
  {
    id: 'zones',
    address: DEFAULT_TOPICS.zones,
    title: 'Zones',
    description:
      'Compacted table of zones; every worker reads all of it. A zone update that fails validation is rejected and the previous version stays in force. Written by case management.',
    messages: ['zone', 'zoneDeletion'],
    compacted: true,
    action: 'receive',
    operation: 'Every worker reads the whole table before it processes pings.',
  },
  {
    id: 'enrolments',
    address: DEFAULT_TOPICS.enrolments,
    title: 'Enrolments',
    description:
      'Compacted table of who wears which tag; every worker reads all of it. Written by case management.',
    messages: ['enrolment', 'enrolmentEnd'],
    compacted: true,
    action: 'receive',
    operation: 'Every worker reads the whole table before it processes pings.',
  },
  {
    id: 'alerts',
    address: DEFAULT_TOPICS.alerts,
    title: 'Alerts',
    description:
      'Alerts, written in Kafka transactions together with the consumed offsets: consumers read with isolation level read_committed and see each alert once.',
    messages: ['alert'],
    action: 'send',
    operation: 'The worker raises alerts, exactly once.',
  },
  {
    id: 'pingsDlq',
    address: DEFAULT_TOPICS.pingsDlq,
    title: 'Pings dead-letter queue',
    description:
      'Pings that do not parse, break the contract, exceed the size limit, or whose key differs from their tagId; the stream never stops for them.',
    messages: ['pingDeadLetter'],
    action: 'send',
    operation: 'The worker sets aside pings it cannot use, in the same transaction as the alerts.',
  },
  {
    id: 'alertActions',
    address: DEFAULT_CENTRE_TOPICS.alertActions,
    title: 'Alert actions',
    description:
      'Operators’ actions on incidents, the audit trail: an incident changes only through a record here. Written by the monitoring-centre console.',
    messages: ['alertAction'],
    action: 'send',
    operation: 'The console records an operator’s action.',
  },
  {
    id: 'notifications',
    address: DEFAULT_CENTRE_TOPICS.notifications,
    title: 'Notifications',
    description:
      'The notifier’s delivery ledger: one record per attempt or outcome. exhausted and endpoint_disabled need a person to phone the force.',
    messages: ['notification'],
    action: 'send',
    operation: 'The notifier records each delivery attempt and outcome.',
  },
  {
    id: 'consoleAudit',
    address: DEFAULT_CENTRE_TOPICS.consoleAudit,
    title: 'Console audit',
    description:
      'One record per view of a zone’s geometry or a subject’s track in the console, written before the view is served, so a leak can be traced to who saw what, when.',
    messages: ['consoleAudit'],
    action: 'send',
    operation: 'The console records who viewed which subject’s zones or track.',
  },
  {
    id: 'deviceConfig',
    address: DEFAULT_DEVICE_CONFIG_TOPIC,
    title: 'Device configuration',
    description:
      'Compacted table of device profiles, one per enrolled tag with zones, written transactionally by `fenceline profiles`. Tag gateways push each profile to its device. See docs/contract/device-profiles.md.',
    messages: ['deviceProfile', 'deviceProfileRemoval'],
    compacted: true,
    action: 'send',
    operation:
      'The profile publisher writes each changed profile, and a tombstone when a tag no longer needs one.',
  },
];

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(fileURLToPath(new URL(path, ROOT)), 'utf8'));
}

function message(def: MessageDef, payloads: Payloads): Json {
  const payload = def.payloadOf === undefined ? undefined : payloads.get(def.payloadOf);
  if (def.payloadOf !== undefined && payload === undefined) {
    throw new Error(`${ASYNCAPI_FILE}: no payload schema named ${def.payloadOf}`);
  }
  let key: Json;
  if ('schema' in def.key) {
    key = def.key.schema;
  } else {
    // The key is a field of the message: its schema is that field's, so they cannot disagree.
    const source = payloads.get(def.key.of);
    const field = (source?.schema.properties as Record<string, Json> | undefined)?.[def.key.field];
    if (field === undefined) throw new Error(`${ASYNCAPI_FILE}: ${def.id} has no key field ${def.key.field}`);
    key = { ...field, description: `${def.key.text} UTF-8.` };
  }
  const out: Json = {
    name: def.id,
    title: def.title,
    summary: def.summary,
    contentType: 'application/json',
  };
  if (payload !== undefined) {
    out.description = payload.spec.description;
    out.payload = payload.schema;
  } else if (def.extra === undefined) {
    out.payload = TOMBSTONE_PAYLOAD;
  }
  Object.assign(out, def.extra);
  out.bindings = { kafka: { key, bindingVersion: KAFKA_BINDING } };
  if (def.examples) {
    out.examples = def.examples.map((file) => ({
      name: file.replace(/\.json$/, ''),
      payload: readJson(`schemas/examples/${file}`),
    }));
  }
  return out;
}

function channel(def: ChannelDef): Json {
  const out: Json = {
    address: def.address,
    title: def.title,
    description: `${def.description} Default name; configurable.`,
    messages: Object.fromEntries(def.messages.map((id) => [id, ref(`components/messages/${id}`)])),
  };
  if (def.compacted) {
    out.bindings = {
      kafka: { topicConfiguration: { 'cleanup.policy': ['compact'] }, bindingVersion: KAFKA_BINDING },
    };
  }
  return out;
}

function operations(): Json {
  const out: Json = {};
  for (const def of CHANNELS) {
    const id = `${def.action}${def.id[0]!.toUpperCase()}${def.id.slice(1)}`;
    out[id] = {
      action: def.action,
      channel: ref(`channels/${def.id}`),
      summary: def.operation,
      messages: def.messages.map((m) => ref(`channels/${def.id}/messages/${m}`)),
    };
  }
  return out;
}

/** The whole document, in a fixed order, so that its JSON text is deterministic. */
export function renderAsyncApi(payloads: Payloads): Json {
  const pkg = readJson('package.json') as { version: string };
  const used = new Set(MESSAGES.flatMap((m) => (m.payloadOf ? [m.payloadOf] : [])));
  const unused = [...payloads.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`${ASYNCAPI_FILE}: no message carries ${unused.join(', ')}`);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Fenceline',
      version: pkg.version,
      description: [
        'Fenceline’s wire contract: what flows in and out of the geofence engine and the monitoring centre over Kafka.',
        'The rules (alert types, severities, decisions, DLQ) are in docs/CONTRACT.md of the repository; this document is generated from the zod schemas in src/contract/ by `npm run schemas`.',
        'Operations are from Fenceline’s side: `receive` = Fenceline reads the topic, `send` = Fenceline writes it.',
        'Values are UTF-8 JSON; times are integer ms since the Unix epoch (UTC); coordinates WGS84 degrees; distances metres. Unknown fields are ignored, and the contract changes only additively.',
      ].join('\n\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The default broker (KAFKA_BROKERS), e.g. the one `fenceline kafka start` runs.',
      },
    },
    channels: Object.fromEntries(CHANNELS.map((def) => [def.id, channel(def)])),
    operations: operations(),
    components: {
      messages: Object.fromEntries(MESSAGES.map((def) => [def.id, message(def, payloads)])),
    },
  };
}
