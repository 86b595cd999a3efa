import { describe, expect, it } from 'vitest';
import {
  brokerSettings,
  MESSAGE_MAX_BYTES,
  renderLog4j2Properties,
  renderServerProperties,
} from '../../src/local-kafka/broker-config.js';
import { renderPom } from '../../src/local-kafka/maven-artifacts.js';
import { kafkaHome, stateDirFor, stateLayout } from '../../src/local-kafka/paths.js';
import { parseJavaMajor } from '../../src/local-kafka/prerequisites.js';
import { newClusterId } from '../../src/local-kafka/storage-format.js';

/** Parses Java properties the simple way Kafka's files use them: key=value, # comments. */
function parse(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    expect(eq, `no '=' in line: ${line}`).toBeGreaterThan(0);
    const key = line.slice(0, eq);
    expect(map.has(key), `duplicate key ${key}`).toBe(false);
    map.set(key, line.slice(eq + 1));
  }
  return map;
}

describe('server.properties for the single-node KRaft broker', () => {
  const props = parse(renderServerProperties({ port: 29092, controllerPort: 29555, dataDir: '/tmp/x/data' }));

  it('given two ports, binds the client and controller listeners to 127.0.0.1 on exactly those', () => {
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29555');
    expect(props.get('advertised.listeners')).toBe(
      'PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29555',
    );
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:29555');
    expect(props.get('controller.listener.names')).toBe('CONTROLLER');
    expect(props.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(props.get('listener.security.protocol.map')).toBe('CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT');
    expect(props.get('log.dirs')).toBe('/tmp/x/data');
  });

  it('uses static voters, never the dynamic bootstrap (4.1 rejects --standalone with voters)', () => {
    expect(props.has('controller.quorum.bootstrap.servers')).toBe(false);
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('1');
  });

  it('sets replication factor and min ISR 1 on every internal topic, so transactions and groups work', () => {
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'share.coordinator.state.topic.replication.factor',
      'share.coordinator.state.topic.min.isr',
      'default.replication.factor',
      'min.insync.replicas',
    ]) {
      expect(props.get(key), key).toBe('1');
    }
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(props.get('offsets.topic.num.partitions')).toBe('1');
    expect(props.get('transaction.state.log.num.partitions')).toBe('1');
  });

  it('accepts a 2 MB record with room for batch overhead, and replicas can fetch it', () => {
    expect(Number(props.get('message.max.bytes'))).toBe(MESSAGE_MAX_BYTES);
    expect(MESSAGE_MAX_BYTES).toBeGreaterThan(2 * 1024 * 1024 + 64 * 1024);
    expect(Number(props.get('replica.fetch.max.bytes'))).toBeGreaterThanOrEqual(MESSAGE_MAX_BYTES);
  });

  it('keeps data regardless of record timestamps and leaves the log cleaner on', () => {
    expect(props.get('log.retention.ms')).toBe('-1');
    expect(props.has('log.cleaner.enable')).toBe(false);
  });

  it('escapes backslashes in Windows-style data paths', () => {
    const win = parse(renderServerProperties({ port: 1, controllerPort: 2, dataDir: 'C:\\kafka\\data' }));
    expect(win.get('log.dirs')).toBe('C:\\\\kafka\\\\data');
  });

  it('derives every value from the input: different ports give different text', () => {
    const a = renderServerProperties({ port: 1000, controllerPort: 1001, dataDir: '/d' });
    const b = renderServerProperties({ port: 2000, controllerPort: 2001, dataDir: '/d' });
    expect(a).not.toBe(b);
    expect(brokerSettings({ port: 1000, controllerPort: 1001, dataDir: '/d' }).length).toBe(parse(a).size);
  });
});

describe('log4j2 config', () => {
  it('writes everything to a rolling server.log in the given folder', () => {
    const text = renderLog4j2Properties('/state/logs');
    expect(text).toContain('appender.file.fileName=/state/logs/server.log');
    expect(text).toContain('rootLogger.appenderRef.file.ref=FILE');
    expect(text).not.toContain('Console');
  });
});

describe('supporting pure pieces', () => {
  it('pins kafka_2.13 4.1.2 and the slf4j→log4j2 bridge in the generated pom', () => {
    const pom = renderPom();
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>4.1.2</version>');
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId>');
  });

  it('parses Java major versions old and new', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('garbage')).toBeUndefined();
  });

  it('makes Kafka-shaped cluster ids: 22 base64url chars, never a leading dash', () => {
    for (let i = 0; i < 200; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });

  it('honours FENCELINE_KAFKA_HOME and FENCELINE_KAFKA_STATE_DIR, else per-version and per-port folders', () => {
    expect(kafkaHome({ FENCELINE_KAFKA_HOME: '/k' })).toBe('/k');
    expect(kafkaHome({ XDG_CACHE_HOME: '/c' })).toBe('/c/fenceline/kafka-4.1.2');
    expect(stateDirFor(9092, { FENCELINE_KAFKA_STATE_DIR: '/s' })).toBe('/s');
    expect(stateDirFor(9092, { XDG_CACHE_HOME: '/c' })).toBe('/c/fenceline/run/9092');
    expect(stateLayout('/s').stateFile).toBe('/s/broker.json');
  });
});
