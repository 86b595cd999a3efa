/**
 * Issue 9, item 8 (limits on zones), the per-subject cap: given a subject at ZONE_MAX_PER_SUBJECT
 * zones, when a build or a live update brings one more, then it is rejected naming subjectId,
 * the subject's existing zones stay in force, and an update of an existing zone is still taken.
 */
import { Writable } from 'node:stream';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createKafka, plainConnection } from '../../src/kafka/connection.js';
import { createLogger, loadConfig } from '../../src/ops/index.js';
import { StreamEvents } from '../../src/stream/events.js';
import type { TableHandler } from '../../src/stream/global-table.js';
import { createWorldTables } from '../../src/stream/world-tables.js';

const record = (zoneId: string, offset: number, lon = 0): KafkaMessage =>
  ({
    key: Buffer.from(zoneId),
    value: Buffer.from(
      JSON.stringify({
        zoneId,
        subjectId: 's1',
        kind: 'exclusion',
        geometry: { type: 'Point', coordinates: [lon, 51] },
        radiusM: 100,
      }),
    ),
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
    headers: {},
  }) as KafkaMessage;

describe('limits on zones: zones per subject', () => {
  it('rejects the zone past the cap at build and live, keeping the ones in force', () => {
    const config = loadConfig({ ZONE_MAX_PER_SUBJECT: '2', TOPIC_ZONES: 'cap.zones' });
    const logs: string[] = [];
    const logger = createLogger({
      level: 'info',
      name: 'cap',
      destination: new Writable({
        write(c, _e, cb) {
          logs.push(String(c));
          cb();
        },
      }),
    });
    // Never connected: the outputs (DLQ, alert, accepted copy) are not what this test checks.
    const kafka = createKafka(plainConnection('127.0.0.1:9'), 'zone-cap-test', {
      logLevel: 'nothing',
      retry: { retries: 0 },
    });
    const events = new StreamEvents();
    const rejected: string[] = [];
    events.on('zone.rejected', (e) => rejected.push(`${e.zoneId}:${e.field}`));
    const tables = createWorldTables(kafka, config, logger, events);
    const handler = (tables.zones as unknown as { opts: { handler: TableHandler } }).opts.handler;

    handler.beginBuild();
    handler.stage('cap.zones', 0, record('a', 0));
    handler.stage('cap.zones', 0, record('b', 1));
    handler.stage('cap.zones', 0, record('c', 2));
    handler.finishBuild();
    expect(['a', 'b', 'c'].map((z) => tables.world.zones.get(z) !== undefined)).toEqual([true, true, false]);
    expect(rejected).toEqual(['c:subjectId']);

    handler.applyLive('cap.zones', 0, record('d', 3));
    expect(tables.world.zones.get('d')).toBeUndefined();
    handler.applyLive('cap.zones', 0, record('a', 4, 0.5)); // an update of a zone in force
    const a = tables.world.zones.get('a');
    expect([a?.lon0, a?.lat0]).toEqual([0.5, 51]); // a circle's centre is its projection origin
    expect(rejected).toEqual(['c:subjectId', 'd:subjectId']);
    expect(logs.some((l) => l.includes('"zone rejected"') && l.includes('limit 2'))).toBe(true);
  });
});
