import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AsyncAPIDocumentInterface, type Diagnostic, Parser } from '@asyncapi/parser';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CENTRE_TOPICS,
  DEFAULT_DEVICE_CONFIG_TOPIC,
  DEFAULT_TOPICS,
  DLQ_HEADERS,
} from '../../src/contract/index.js';

/**
 * schemas/asyncapi.json: it parses with the AsyncAPI parser without an error-level diagnostic,
 * it names every topic of the contract, and its payload schemas (draft-07, built from the same
 * zod schemas as schemas/*.schema.json) accept the valid examples and refuse the invalid ones the
 * 2020-12 schemas refuse. Its freshness is checked by schemas-fresh.test.ts and `npm run
 * schemas -- --check`.
 */
const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));
const EXAMPLES = join(SCHEMAS, 'examples');
const INVALID = join(EXAMPLES, 'invalid');
const TEXT = readFileSync(join(SCHEMAS, 'asyncapi.json'), 'utf8');
type Json = Record<string, unknown>;
const RAW = JSON.parse(TEXT) as {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: { messages: Record<string, Json & { payload: Json; examples?: { payload: unknown }[] }> };
};
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

// Spectral's DiagnosticSeverity: 0 error, 1 warning, 2 information, 3 hint.
const ERROR = 0;
const describeDiagnostic = (d: Diagnostic) => `${d.code} at ${d.path.join('.') || '(root)'}: ${d.message}`;

describe('schemas/asyncapi.json', () => {
  let document: AsyncAPIDocumentInterface | undefined;
  let diagnostics: Diagnostic[];

  beforeAll(async () => {
    ({ document, diagnostics } = await new Parser().parse(TEXT));
  }, 120_000);

  it('parses with @asyncapi/parser with no error diagnostic', () => {
    const errors = diagnostics.filter((d) => d.severity === ERROR).map(describeDiagnostic);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
  });

  it('the parser catches a broken document (so the test above can fail)', async () => {
    const broken = JSON.parse(TEXT);
    broken.channels.pings.messages.ping = { $ref: '#/components/messages/nope' };
    broken.components.messages.alert.payload.type = 'objekt';
    const result = await new Parser().parse(JSON.stringify(broken));
    const codes = result.diagnostics.filter((d) => d.severity === ERROR).map((d) => d.code);
    expect(codes).toContain('invalid-ref');
    expect(result.document).toBeUndefined();
  }, 120_000);

  it('has a channel for every topic of the contract, the DLQ and the centre topics included', () => {
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address())
      .sort();
    expect(addresses).toEqual(
      [
        ...Object.values(DEFAULT_TOPICS),
        ...Object.values(DEFAULT_CENTRE_TOPICS),
        DEFAULT_DEVICE_CONFIG_TOPIC,
      ].sort(),
    );
  });

  it('describes the Kafka key of every message', () => {
    for (const message of document!.messages().all()) {
      const kafka = message.bindings().get('kafka');
      expect(kafka, message.id()).toBeDefined();
      const key = kafka!.value<{ key?: Json }>().key;
      expect(key?.description, message.id()).toEqual(expect.any(String));
    }
    const key = (message: string) =>
      ((RAW.components.messages[message]!.bindings as Json).kafka as { key: Json }).key;
    expect(key('ping')).toMatchObject({ type: 'string', maxLength: 64 });
    expect(key('alert').description).toMatch(/subjectId/);
    expect(key('alertAction').description).toMatch(/incidentId/);
    expect(key('notification').description).toMatch(/notificationId/);
  });

  it('says which side Fenceline is on for every channel', () => {
    const byChannel = Object.fromEntries(
      Object.values(RAW.operations).map((op) => [op.channel.$ref.replace('#/channels/', ''), op.action]),
    );
    expect(byChannel).toEqual({
      pings: 'receive',
      zones: 'receive',
      enrolments: 'receive',
      alerts: 'send',
      pingsDlq: 'send',
      alertActions: 'send',
      notifications: 'send',
      consoleAudit: 'send',
      deviceConfig: 'send',
    });
  });

  it('gives the DLQ its four headers, zones and enrolments their tombstones', () => {
    const dlq = RAW.components.messages.pingDeadLetter!;
    expect((dlq.headers as { required: string[] }).required.sort()).toEqual(
      Object.values(DLQ_HEADERS).sort(),
    );
    expect(Object.keys(RAW.channels.zones!.messages)).toEqual(['zone', 'zoneDeletion']);
    expect(Object.keys(RAW.channels.enrolments!.messages)).toEqual(['enrolment', 'enrolmentEnd']);
    expect(RAW.components.messages.zoneDeletion!.payload).toMatchObject({ type: 'null' });
  });
});

describe('AsyncAPI payload schemas (draft-07)', () => {
  // Same strictness as the 2020-12 schemas' test (examples.test.ts).
  const ajv = new Ajv({ strict: true, strictTuples: false, allErrors: true });
  const payloads = new Map<string, ValidateFunction>();
  const validator = (message: string): ValidateFunction => {
    let validate = payloads.get(message);
    if (!validate) {
      validate = ajv.compile(RAW.components.messages[message]!.payload);
      payloads.set(message, validate);
    }
    return validate;
  };
  const check = (message: string, value: unknown) => {
    const validate = validator(message);
    return validate(value) ? 'ok' : ajv.errorsText(validate.errors);
  };
  const MESSAGE_OF: Record<string, string> = {
    ping: 'ping',
    zone: 'zone',
    enrolment: 'enrolment',
    alert: 'alert',
    'alert-action': 'alertAction',
    notification: 'notification',
  };
  const kindOf = (file: string) =>
    file.startsWith('alert-action-') ? 'alert-action' : file.split(/[-.]/)[0]!;

  it('compile in strict mode', () => {
    for (const message of Object.keys(RAW.components.messages))
      expect(() => validator(message)).not.toThrow();
  });

  it('accept every example in the document and every valid example file', () => {
    for (const [name, message] of Object.entries(RAW.components.messages)) {
      for (const example of message.examples ?? []) expect(check(name, example.payload), name).toBe('ok');
    }
    for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
      const message = MESSAGE_OF[kindOf(file)]!;
      expect(check(message, readJson(join(EXAMPLES, file))), file).toBe('ok');
    }
  });

  it('refuse every invalid example that the 2020-12 JSON Schemas refuse', () => {
    const expected = readJson(join(INVALID, 'expected.json')) as Record<
      string,
      { schema: string; jsonSchemaRejects: boolean } | string
    >;
    let refused = 0;
    for (const [file, e] of Object.entries(expected)) {
      if (typeof e === 'string' || !e.jsonSchemaRejects) continue;
      expect(check(MESSAGE_OF[e.schema]!, readJson(join(INVALID, file))), file).not.toBe('ok');
      refused++;
    }
    expect(refused).toBeGreaterThan(10);
  });

  it('a lat without lon and an out-of-range longitude are refused (the draft-07 spellings work)', () => {
    expect(check('ping', { tagId: 't', ts: 1, lat: 51 })).not.toBe('ok');
    const zone = readJson(join(EXAMPLES, 'zone-circle.json')) as { geometry: { coordinates: number[] } };
    zone.geometry.coordinates = [181, 51];
    expect(check('zone', zone)).not.toBe('ok');
  });
});

describe('the alert-action and notification schemas, in both dialects', () => {
  const draft7 = new Ajv({ strict: true, allErrors: true });
  const draft2020 = new Ajv2020({ strict: true, allErrors: true });
  const dialects = {
    'asyncapi.json (draft-07)': (message: string) =>
      draft7.compile(RAW.components.messages[message]!.payload),
    '*.schema.json (2020-12)': (message: string) =>
      draft2020.compile(
        readJson(
          join(SCHEMAS, message === 'alertAction' ? 'alert-action.schema.json' : 'notification.schema.json'),
        ) as Json,
      ),
  };
  for (const [dialect, compile] of Object.entries(dialects)) {
    it(`${dialect}: state the rules zod keeps in refinements`, () => {
      const action = compile('alertAction');
      const base = { actionId: 'a1', incidentId: 'i1', user: 'ann', role: 'operator', at: 1 };
      expect(action({ ...base, kind: 'close', outcome: 'test' })).toBe(true);
      expect(action({ ...base, kind: 'close' })).toBe(false);
      expect(action({ ...base, kind: 'acknowledge', outcome: 'test' })).toBe(false);
      expect(action({ ...base, kind: 'acknowledge' })).toBe(true);
      expect(action({ ...base, kind: 'note', note: 'called the victim' })).toBe(true);
      expect(action({ ...base, kind: 'note' })).toBe(false);
      expect(action({ ...base, kind: 'wave' })).toBe(false);
      const notification = compile('notification');
      const record = {
        notificationId: 'n',
        alertId: 'a',
        incidentId: 'i',
        endpoint: 'police',
        reason: 'rule',
        attempt: 1,
        at: 1,
        outcome: 'delivered',
        status: 200,
      };
      expect(notification(record)).toBe(true);
      expect(notification({ ...record, attempt: 0 })).toBe(false);
      expect(notification({ ...record, outcome: 'lost' })).toBe(false);
      expect(notification({ ...record, status: 600 })).toBe(false);
    });
  }
});
