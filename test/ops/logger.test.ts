import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACT_PATHS, REDACTED } from '../../src/ops/logger.js';
import { scrubText, serializeError } from '../../src/ops/safe-error.js';

/** A zone with a sensitive label and coordinates whose digits are easy to spot in output. */
const zone = {
  zoneId: 'zone-42',
  subjectId: 'subject-7',
  kind: 'exclusion',
  label: "victim's home",
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [-0.1234567, 51.5012345],
        [-0.1134567, 51.5012345],
        [-0.1134567, 51.5112345],
        [-0.1234567, 51.5012345],
      ],
    ],
  },
  warningM: 150,
};
const circle = {
  zoneId: 'zone-43',
  subjectId: 'subject-7',
  kind: 'exclusion',
  label: "victim's home",
  geometry: { type: 'Point', coordinates: [-2.9876543, 53.4567891] },
  radiusM: 200,
};
const alert = {
  alertId: 'EXCLUSION_ENTERED:tag-1:zone-42:1700000000000',
  type: 'EXCLUSION_ENTERED',
  zoneId: 'zone-42',
  lat: 51.5054321,
  lon: -0.1187654,
  accuracyM: 12.3456789,
  evidence: [{ ts: 1, lat: 51.5054321, lon: -0.1187654, accuracyM: 12.3456789 }],
};
/** Digit runs from every coordinate above; none may appear in any output. */
const SECRETS = [
  'victim',
  '1234567',
  '5012345',
  '1134567',
  '5112345',
  '9876543',
  '4567891',
  '5054321',
  '1187654',
  '3456789',
];

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level: 'trace', name: 'test', destination });
  return { log, text: () => lines.join(''), lines };
}

function expectClean(text: string) {
  for (const secret of SECRETS) expect(text, `leaked ${secret}`).not.toContain(secret);
}

const SHAPES: [string, object][] = [
  ['zone as the merge object', zone],
  ['{ zone }', { zone }],
  ['zone one level down', { compiled: zone }],
  ['zone two levels down', { batch: { current: zone } }],
  ['zone three levels down', { a: { b: { c: zone } } }],
  ['zones in an array', { zones: [zone, circle] }],
  ['zone in an array in an object', { batch: [{ item: circle }] }],
  ['geometry alone', { geometry: zone.geometry }],
  ['coordinates alone, nested', { shape: { coordinates: circle.geometry.coordinates } }],
  ['an alert', alert],
  ['{ alert }', { alert }],
  ['alerts in an array', { alerts: [alert, alert] }],
  ['a fix', { ping: { tagId: 't', ts: 1, lat: 51.5054321, lon: -0.1187654 } }],
];

describe('createLogger redaction', () => {
  for (const [name, obj] of SHAPES) {
    it(`hides labels and coordinates: ${name}`, () => {
      const { log, text, lines } = capture();
      log.info(obj, 'something happened');
      expect(lines).toHaveLength(1);
      expectClean(text());
      expect(text()).toContain(REDACTED);
      JSON.parse(text()); // still one valid JSON line
    });
  }

  it('keeps the ids an operator needs', () => {
    const { log, text } = capture();
    log.warn({ zone, alert }, 'alert raised');
    const line = JSON.parse(text());
    expect(line.msg).toBe('alert raised');
    expect(line.name).toBe('test');
    expect(text()).toContain('zone-42');
    expect(text()).toContain('EXCLUSION_ENTERED');
  });

  it('does not touch the logged object', () => {
    const { log } = capture();
    const copy = structuredClone(zone);
    log.info({ zone: copy });
    log.info(copy);
    expect(copy).toEqual(zone);
  });

  it('compiles a path for each key at four depths', () => {
    expect(REDACT_PATHS).toContain('label');
    expect(REDACT_PATHS).toContain('*.label');
    expect(REDACT_PATHS).toContain('*.*.lat');
    expect(REDACT_PATHS).toContain('*.*.*.geometry');
  });

  it('respects the level', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: 'warn', destination });
    log.info('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
  });
});

describe('error serialization', () => {
  it('drops properties attached to an error', () => {
    const { log, text } = capture();
    const err = Object.assign(new Error('zone failed to compile'), { zone, code: 'E_ZONE' });
    log.error({ err }, 'failed');
    log.error(err, 'failed again');
    expectClean(text());
    const line = JSON.parse(text().split('\n')[0]!);
    expect(line.err.message).toBe('zone failed to compile');
    expect(line.err.code).toBe('E_ZONE');
    expect(line.err.type).toBe('Error');
    expect(line.err.stack).toContain('zone failed to compile');
  });

  it("scrubs a JSON.parse message that echoes a zone record's source", () => {
    let parseError: unknown;
    try {
      JSON.parse(`victim's home at ${JSON.stringify(circle)}`);
    } catch (e) {
      parseError = e;
    }
    expect((parseError as Error).message).toContain('victim'); // V8 echoes the input...
    const { log, text } = capture();
    log.error({ err: parseError }, 'zone record is not JSON');
    expectClean(text()); // ...the log line does not.
    expect(text()).toContain('[input redacted] is not valid JSON');
  });

  it('scrubs coordinate-precision numbers but keeps versions and durations', () => {
    expect(scrubText('at 51.5012345,-0.1234567 after 1.5s on pino 10.4.0')).toBe(
      'at [number],-[number] after 1.5s on pino 10.4.0',
    );
  });

  it('follows a cause chain, bounded, and scrubs each link', () => {
    const root = new Error('inner 51.5012345');
    const err = new Error('outer', { cause: new Error('middle', { cause: root }) });
    const s = serializeError(err);
    expect(s.message).toBe('outer');
    expect(typeof s.cause === 'object' && s.cause.message).toBe('middle');
    expect(JSON.stringify(s)).not.toContain('5012345');
    let deep: Error = new Error('0');
    for (let i = 1; i < 10; i++) deep = new Error(String(i), { cause: deep });
    expect(JSON.stringify(serializeError(deep))).toContain('[cause chain truncated]');
  });

  it('describes a thrown non-Error object by its type only', () => {
    const { log, text } = capture();
    log.error({ err: zone }, 'someone threw a zone');
    expectClean(text());
    expect(serializeError({ a: 1 })).toEqual({ type: 'object', message: 'non-Error thrown (object)' });
  });

  it('item 11: error text reaches the log (a string error, or an error message under err)', () => {
    const { log, text } = capture();
    log.warn({ err: 'The broker rejected the record: MESSAGE_TOO_LARGE' }, 'commit failed');
    expect(text()).toContain('MESSAGE_TOO_LARGE');
    expect(text()).not.toContain('non-Error thrown');
    expect(serializeError('a string')).toEqual({ type: 'string', message: 'a string' });
    // Still scrubbed of coordinates, and capped.
    expect(serializeError('near 51.5012345,-0.1412345').message).not.toContain('5012345');
    expect(serializeError('x'.repeat(5000)).message.length).toBeLessThan(600);
  });
});
