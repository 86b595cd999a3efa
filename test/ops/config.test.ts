import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPICS } from '../../src/contract/index.js';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/index.js';
import {
  ConfigError,
  ENV_VARS,
  type EnvVarName,
  loadConfig,
  type WorkerConfig,
} from '../../src/ops/config.js';
import { resolveEngineConfig } from '../../src/stream/stream-config.js';

/** Where each variable lands in WorkerConfig. */
const READ: Record<EnvVarName, (c: WorkerConfig) => unknown> = {
  KAFKA_BROKERS: (c) => c.kafka.brokers,
  KAFKA_CLIENT_ID: (c) => c.kafka.clientId,
  FENCELINE_GROUP_ID: (c) => c.kafka.groupId,
  TOPIC_PINGS: (c) => c.topics.pings,
  TOPIC_ZONES: (c) => c.topics.zones,
  TOPIC_ENROLMENTS: (c) => c.topics.enrolments,
  TOPIC_ALERTS: (c) => c.topics.alerts,
  TOPIC_PINGS_DLQ: (c) => c.topics.pingsDlq,
  TOPIC_STATE_CHANGELOG: (c) => c.topics.stateChangelog,
  EXACTLY_ONCE: (c) => c.exactlyOnce,
  PIPELINE_COMMITS: (c) => c.pipelineCommits,
  CREATE_TOPICS: (c) => c.createTopics,
  PINGS_PARTITIONS: (c) => c.pingsPartitions,
  PARTITIONS_CONSUMED_CONCURRENTLY: (c) => c.partitionsConsumedConcurrently,
  MAX_PING_BYTES: (c) => c.maxPingBytes,
  HTTP_HOST: (c) => c.http.host,
  HTTP_PORT: (c) => c.http.port,
  LOG_LEVEL: (c) => c.logLevel,
  DEFAULT_ACCURACY_M: (c) => resolveEngineConfig(c.engine).defaultAccuracyM,
  CONFIRM_FIXES: (c) => resolveEngineConfig(c.engine).confirmFixes,
  CONFIRM_RULE: (c) => resolveEngineConfig(c.engine).confirmRule,
  CORROBORATE_INCLUSION: (c) => resolveEngineConfig(c.engine).corroborateInclusion,
  EVIDENCE_TAU_S: (c) => resolveEngineConfig(c.engine).evidenceTauS,
  EVIDENCE_THRESHOLD: (c) => resolveEngineConfig(c.engine).evidenceThreshold,
  EVIDENCE_OUTLIER_SHARE: (c) => resolveEngineConfig(c.engine).evidenceOutlierShare,
  MAX_SPEED_MPS: (c) => resolveEngineConfig(c.engine).maxSpeedMps,
  LOW_BATTERY_THRESHOLD: (c) => resolveEngineConfig(c.engine).lowBatteryThreshold,
  NO_SIGNAL_AFTER_S: (c) => resolveEngineConfig(c.engine).noSignalAfterS,
  NO_SIGNAL_SWEEP_INTERVAL_S: (c) => c.noSignalSweepIntervalS,
  NO_SIGNAL_MAX_LAG: (c) => c.noSignalBacklog.maxLag,
  NO_SIGNAL_MAX_BEHIND_S: (c) => c.noSignalBacklog.maxBehindS,
  STATE_RETENTION_S: (c) => c.stateRetentionS,
  FENCELINE_INSTANCE_ID: (c) => c.instanceId,
  TOPIC_CONFIG_DLQ: (c) => c.topics.configDlq,
  TOPIC_ZONES_ACCEPTED: (c) => c.topics.zonesAccepted,
  TOPIC_ENROLMENTS_ACCEPTED: (c) => c.topics.enrolmentsAccepted,
  CLOCK_GLITCH_MARGIN_S: (c) => c.clockGlitchMarginS,
  ZONE_MAX_VERTICES: (c) => c.zoneLimits.maxVertices,
  ZONE_MAX_SCHEDULE_WINDOWS: (c) => c.zoneLimits.maxScheduleWindows,
  ZONE_MAX_PER_SUBJECT: (c) => c.zoneLimits.maxZonesPerSubject,
  ZONE_MAX_BYTES: (c) => c.zoneLimits.maxZoneBytes,
  TOPIC_REPLICATION_FACTOR: (c) => c.topicReplication.replicationFactor,
  TOPIC_MIN_INSYNC_REPLICAS: (c) => c.topicReplication.minInsyncReplicas,
};

const DEFAULTS: Record<EnvVarName, unknown> = {
  KAFKA_BROKERS: ['127.0.0.1:9092'],
  KAFKA_CLIENT_ID: 'fenceline',
  FENCELINE_GROUP_ID: 'fenceline-worker',
  TOPIC_PINGS: 'fenceline.pings',
  TOPIC_ZONES: 'fenceline.zones',
  TOPIC_ENROLMENTS: 'fenceline.enrolments',
  TOPIC_ALERTS: 'fenceline.alerts',
  TOPIC_PINGS_DLQ: 'fenceline.pings.dlq',
  TOPIC_STATE_CHANGELOG: 'fenceline-worker.state-changelog',
  EXACTLY_ONCE: true,
  PIPELINE_COMMITS: false,
  CREATE_TOPICS: true,
  PINGS_PARTITIONS: 12,
  PARTITIONS_CONSUMED_CONCURRENTLY: 12,
  MAX_PING_BYTES: 16384,
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: 9464,
  LOG_LEVEL: 'info',
  DEFAULT_ACCURACY_M: 25,
  CONFIRM_FIXES: 2,
  CONFIRM_RULE: 'corroborated',
  CORROBORATE_INCLUSION: true,
  EVIDENCE_TAU_S: 60,
  EVIDENCE_THRESHOLD: 6.9,
  EVIDENCE_OUTLIER_SHARE: 0.01,
  MAX_SPEED_MPS: 70,
  LOW_BATTERY_THRESHOLD: 0.15,
  NO_SIGNAL_AFTER_S: 900,
  NO_SIGNAL_SWEEP_INTERVAL_S: 30,
  NO_SIGNAL_MAX_LAG: 1000,
  NO_SIGNAL_MAX_BEHIND_S: 60,
  STATE_RETENTION_S: 86400,
  FENCELINE_INSTANCE_ID: `${hostname()}-${process.pid}`,
  TOPIC_CONFIG_DLQ: 'fenceline.config.dlq',
  TOPIC_ZONES_ACCEPTED: 'fenceline.zones.accepted',
  TOPIC_ENROLMENTS_ACCEPTED: 'fenceline.enrolments.accepted',
  CLOCK_GLITCH_MARGIN_S: 600,
  ZONE_MAX_VERTICES: 10000,
  ZONE_MAX_SCHEDULE_WINDOWS: 64,
  ZONE_MAX_PER_SUBJECT: 256,
  ZONE_MAX_BYTES: 262144,
  TOPIC_REPLICATION_FACTOR: 3,
  TOPIC_MIN_INSYNC_REPLICAS: 2,
};

type Good = [raw: string, expected: unknown];
/** Per variable: values that must be accepted (with the parsed result) and values that must be refused. */
const CASES: Record<EnvVarName, { good: Good[]; bad: string[] }> = {
  KAFKA_BROKERS: {
    good: [
      ['kafka:9092', ['kafka:9092']],
      ['a:1, b.example.com:29092 ,10.0.0.7:65535', ['a:1', 'b.example.com:29092', '10.0.0.7:65535']],
      ['broker_1:9092', ['broker_1:9092']],
    ],
    bad: [
      'kafka',
      'kafka:',
      ':9092',
      'kafka:0',
      'kafka:65536',
      'a:1,,b:2',
      'a:1,',
      'a b:1',
      '[::1]:9092',
      'a:1:2',
    ],
  },
  KAFKA_CLIENT_ID: {
    good: [
      ['fl-7', 'fl-7'],
      [' padded ', 'padded'],
    ],
    bad: ['a b', 'x'.repeat(256), 'tab\there'],
  },
  FENCELINE_GROUP_ID: { good: [['g1', 'g1']], bad: ['two words', 'x'.repeat(256)] },
  TOPIC_PINGS: { good: [['p.v2', 'p.v2']], bad: ['has space', 'slash/y', '..', 'x'.repeat(250)] },
  TOPIC_ZONES: { good: [['z_1', 'z_1']], bad: ['z:1', '.'] },
  TOPIC_ENROLMENTS: { good: [['e-1', 'e-1']], bad: ['e#1'] },
  TOPIC_ALERTS: { good: [['A.B', 'A.B']], bad: ['a,b', 'fenceline.pings' /* same as TOPIC_PINGS */] },
  TOPIC_PINGS_DLQ: { good: [['dlq', 'dlq']], bad: ['é'] },
  TOPIC_STATE_CHANGELOG: { good: [['state', 'state']], bad: ['st ate', 'fenceline.zones'] },
  PIPELINE_COMMITS: {
    good: [
      ['true', true],
      ['0', false],
    ],
    bad: ['sometimes', '2'],
  },
  EXACTLY_ONCE: {
    good: [
      ['false', false],
      ['TRUE', true],
      ['0', false],
      ['1', true],
      ['no', false],
      ['yes', true],
      ['off', false],
    ],
    bad: ['maybe', '2', 'truee'],
  },
  CREATE_TOPICS: {
    good: [
      ['false', false],
      ['On', true],
    ],
    bad: ['nope'],
  },
  PINGS_PARTITIONS: {
    good: [
      ['1', 1],
      ['48', 48],
      ['10000', 10_000],
    ],
    bad: ['0', '-1', '1.5', 'abc', '10001', '0x10'],
  },
  PARTITIONS_CONSUMED_CONCURRENTLY: { good: [['2', 2]], bad: ['0', '1001', 'two'] },
  MAX_PING_BYTES: {
    good: [
      ['64', 64],
      ['1048576', 1_048_576],
    ],
    bad: ['63', '1048577', '16k', '1e4'],
  },
  HTTP_HOST: {
    good: [
      ['127.0.0.1', '127.0.0.1'],
      ['::', '::'],
    ],
    bad: ['a host', 'x'.repeat(256)],
  },
  HTTP_PORT: {
    good: [
      ['0', 0],
      ['8080', 8080],
      ['65535', 65_535],
      [' 9464 ', 9464],
    ],
    bad: ['abc', '-1', '65536', '80.5', '1e3'],
  },
  LOG_LEVEL: {
    good: [
      ['debug', 'debug'],
      ['WARN', 'warn'],
      ['silent', 'silent'],
    ],
    bad: ['loud', 'verbose', 'information'],
  },
  DEFAULT_ACCURACY_M: {
    good: [
      ['10', 10],
      ['7.5', 7.5],
      ['.5', 0.5],
      ['1e2', 100],
    ],
    bad: ['0', '-3', 'NaN', 'Infinity', '1e999', 'ten'],
  },
  CONFIRM_FIXES: {
    good: [
      ['1', 1],
      ['3', 3],
    ],
    bad: ['0', '1.5', '101', 'x'],
  },
  CONFIRM_RULE: {
    good: [
      ['single-fix', 'single-fix'],
      ['Corroborated', 'corroborated'],
    ],
    bad: ['single', 'two-fix', '1.1'],
  },
  CORROBORATE_INCLUSION: {
    good: [
      ['false', false],
      ['yes', true],
    ],
    bad: ['maybe'],
  },
  EVIDENCE_TAU_S: { good: [['30', 30]], bad: ['0', '-60', '1m'] },
  EVIDENCE_THRESHOLD: { good: [['4.6', 4.6]], bad: ['0', 'high'] },
  EVIDENCE_OUTLIER_SHARE: {
    good: [
      ['0', 0],
      ['0.02', 0.02],
    ],
    bad: ['-0.01', '0.6', '1%'],
  },
  MAX_SPEED_MPS: { good: [['55.5', 55.5]], bad: ['0', '-70', 'fast'] },
  LOW_BATTERY_THRESHOLD: {
    good: [
      ['0', 0],
      ['1', 1],
      ['0.2', 0.2],
    ],
    bad: ['-0.1', '1.5', '15%'],
  },
  NO_SIGNAL_AFTER_S: {
    good: [
      ['60', 60],
      ['0.5', 0.5],
    ],
    bad: ['0', '-1', '15m'],
  },
  // Item 11: bounded (a huge interval overflows Node's timer into a 1 ms busy loop).
  NO_SIGNAL_SWEEP_INTERVAL_S: {
    good: [
      ['5', 5],
      ['3600', 3600],
    ],
    bad: ['0', 'often', '3601', '1e9'],
  },
  NO_SIGNAL_MAX_LAG: {
    good: [
      ['0', 0],
      ['5000', 5000],
    ],
    bad: ['-1', '1.5', 'many'],
  },
  NO_SIGNAL_MAX_BEHIND_S: { good: [['30', 30]], bad: ['-1', 'late', '86401'] },
  STATE_RETENTION_S: {
    good: [
      ['0', 0],
      ['3600', 3600],
    ],
    bad: ['-1', 'week'],
  },
  FENCELINE_INSTANCE_ID: { good: [['worker-a', 'worker-a']], bad: ['worker a', 'x'.repeat(201)] },
  TOPIC_CONFIG_DLQ: { good: [['cfg.dlq', 'cfg.dlq']], bad: ['a b'] },
  TOPIC_ZONES_ACCEPTED: { good: [['z.acc', 'z.acc']], bad: ['a b'] },
  TOPIC_ENROLMENTS_ACCEPTED: { good: [['e.acc', 'e.acc']], bad: ['a b'] },
  CLOCK_GLITCH_MARGIN_S: { good: [['60', 60]], bad: ['0', 'soon'] },
  ZONE_MAX_VERTICES: { good: [['500', 500]], bad: ['3', 'many'] },
  ZONE_MAX_SCHEDULE_WINDOWS: { good: [['8', 8]], bad: ['0'] },
  ZONE_MAX_PER_SUBJECT: { good: [['10', 10]], bad: ['0'] },
  ZONE_MAX_BYTES: { good: [['65536', 65536]], bad: ['10', '2000000'] },
  TOPIC_REPLICATION_FACTOR: { good: [['1', 1]], bad: ['0'] },
  TOPIC_MIN_INSYNC_REPLICAS: { good: [['1', 1]], bad: ['0'] },
};

const ALL = Object.keys(ENV_VARS) as EnvVarName[];

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('documents every variable it reads, with a meaning', () => {
    expect(Object.keys(CASES).sort()).toEqual([...ALL].sort());
    for (const name of ALL) expect(ENV_VARS[name].meaning.length).toBeGreaterThan(5);
  });

  it('gives every default when env is empty', () => {
    const config = loadConfig({});
    for (const name of ALL) expect(READ[name](config), name).toEqual(DEFAULTS[name]);
  });

  it('takes the engine defaults from the engine and the topic defaults from the contract', () => {
    const config = loadConfig({});
    // Ops does not know the engine's defaults: unset tunables stay unset until the stream layer
    // resolves them against the engine's own DEFAULT_ENGINE_CONFIG.
    expect(config.engine).toEqual({});
    expect(resolveEngineConfig(config.engine)).toEqual(DEFAULT_ENGINE_CONFIG);
    const { stateChangelog, configDlq, zonesAccepted, enrolmentsAccepted, ...contractTopics } = config.topics;
    expect(contractTopics).toEqual(DEFAULT_TOPICS);
    expect(stateChangelog).toBe('fenceline-worker.state-changelog');
    expect([configDlq, zonesAccepted, enrolmentsAccepted]).toEqual([
      'fenceline.config.dlq',
      'fenceline.zones.accepted',
      'fenceline.enrolments.accepted',
    ]);
  });

  it('deployment safety: the changelog default is named after the group id, so two groups never share state', () => {
    const a = loadConfig({ FENCELINE_GROUP_ID: 'team-a' });
    const b = loadConfig({ FENCELINE_GROUP_ID: 'team-b' });
    expect(a.topics.stateChangelog).toBe('team-a.state-changelog');
    expect(b.topics.stateChangelog).toBe('team-b.state-changelog');
    expect(loadConfig({ TOPIC_ZONES: 'z1' }).topics.zonesAccepted).toBe('z1.accepted');
  });

  it('treats an empty or blank value as unset', () => {
    expect(loadConfig({ HTTP_PORT: '', LOG_LEVEL: '  ' }).http.port).toBe(9464);
  });

  it('ignores unknown variables', () => {
    expect(loadConfig({ PATH: '/bin', HTTP_PORTT: 'abc', http_port: 'abc' }).http.port).toBe(9464);
  });

  for (const name of ALL) {
    for (const [raw, expected] of CASES[name].good) {
      it(`${name}=${JSON.stringify(raw).slice(0, 40)} is accepted`, () => {
        expect(READ[name](loadConfig({ [name]: raw }))).toEqual(expected);
      });
    }
    for (const raw of CASES[name].bad) {
      it(`${name}=${JSON.stringify(raw).slice(0, 40)} is refused, naming the variable and the value`, () => {
        const err = errorOf({ [name]: raw });
        expect(err.variable).toBe(name);
        expect(err.message.startsWith(`${name}: `)).toBe(true);
        expect(err.message).toContain(JSON.stringify(raw.trim() === raw ? raw : raw.trim()).slice(0, 30));
      });
    }
  }

  it('spells the problem out', () => {
    expect(errorOf({ HTTP_PORT: 'abc' }).message).toBe('HTTP_PORT: expected an integer 0..65535, got "abc"');
    expect(errorOf({ KAFKA_BROKERS: 'a:1,b' }).message).toBe(
      'KAFKA_BROKERS: expected a comma-separated host:port list, entry 2 "b" is not host:port, got "a:1,b"',
    );
    expect(errorOf({ TOPIC_ZONES: 'fenceline.pings' }).message).toBe(
      'TOPIC_ZONES: must differ from TOPIC_PINGS, got "fenceline.pings"',
    );
  });

  it('reports every bad variable at once, naming the first', () => {
    const err = errorOf({ HTTP_PORT: 'abc', CONFIRM_FIXES: '0' });
    expect(err.variable).toBe('HTTP_PORT');
    expect(err.message).toContain('HTTP_PORT: ');
    expect(err.message).toContain('CONFIRM_FIXES: expected an integer 1..100, got "0"');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConfigError');
  });
});
