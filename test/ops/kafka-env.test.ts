/**
 * Given the KAFKA_SSL / KAFKA_SASL_* variables, when the configuration loads, then a good set
 * gives a connection config and a bad one stops start-up naming the variable, and no message
 * ever holds the password.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadKafkaConnection } from '../../src/ops/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fenceline-kafka-env-'));
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const ca = join(dir, 'ca.pem');
const cert = join(dir, 'client.pem');
const key = join(dir, 'client.key');
const notPem = join(dir, 'junk.txt');
const passwordFile = join(dir, 'password');
const emptyFile = join(dir, 'empty');
writeFileSync(ca, PEM_CERT);
writeFileSync(cert, PEM_CERT);
writeFileSync(key, PEM_KEY);
writeFileSync(notPem, 'hello');
writeFileSync(passwordFile, 'from-the-file-s3cret\n');
writeFileSync(emptyFile, '');

const PASSWORD = 'hunter2-very-secret';
const SCRAM = {
  KAFKA_BROKERS: 'kafka:9093',
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: ca,
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_SASL_USERNAME: 'fenceline-worker',
  KAFKA_SASL_PASSWORD: PASSWORD,
};

function failure(env: Record<string, string | undefined>): ConfigError {
  try {
    loadKafkaConnection(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('Kafka connection settings from the environment', () => {
  it('defaults to plaintext with no identity', () => {
    expect(loadKafkaConnection({})).toEqual({ brokers: ['127.0.0.1:9092'] });
  });

  it('reads SASL_SSL with SCRAM, the CA file and a case-insensitive mechanism', () => {
    const c = loadKafkaConnection(SCRAM);
    expect(c.brokers).toEqual(['kafka:9093']);
    expect(c.tls).toEqual({ ca: PEM_CERT });
    expect(c.sasl?.mechanism).toBe('scram-sha-512');
    expect(c.sasl?.username).toBe('fenceline-worker');
    expect(c.sasl?.password.reveal()).toBe(PASSWORD);
  });

  it('takes the password from a file, dropping one trailing newline', () => {
    const { KAFKA_SASL_PASSWORD: _p, ...rest } = SCRAM;
    const c = loadKafkaConnection({ ...rest, KAFKA_SASL_PASSWORD_FILE: passwordFile });
    expect(c.sasl?.password.reveal()).toBe('from-the-file-s3cret');
  });

  it('reads a client certificate and key for mutual TLS', () => {
    const c = loadKafkaConnection({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key });
    expect(c.tls).toEqual({ cert: PEM_CERT, key: PEM_KEY });
    expect(c.sasl).toBeUndefined();
  });

  it('never shows the password: JSON, inspect and String all redact it', () => {
    const c = loadKafkaConnection(SCRAM);
    expect(JSON.stringify(c)).not.toContain(PASSWORD);
    expect(inspect(c, { depth: 10 })).not.toContain(PASSWORD);
    expect(String(c.sasl?.password)).toBe('[redacted]');
  });

  const bad: Array<[string, Record<string, string | undefined>, string]> = [
    ['KAFKA_SSL', { KAFKA_SSL: 'maybe' }, 'expected true or false'],
    ['KAFKA_SSL_CA_FILE', { KAFKA_SSL_CA_FILE: ca }, 'KAFKA_SSL is not true'],
    ['KAFKA_SSL_CA_FILE', { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'nope.pem') }, 'ENOENT'],
    ['KAFKA_SSL_CA_FILE', { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: notPem }, 'no PEM certificate'],
    ['KAFKA_SSL_KEY_FILE', { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: cert }, 'needs both'],
    [
      'KAFKA_SSL_KEY_FILE',
      { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: ca },
      'private key',
    ],
    ['KAFKA_SASL_MECHANISM', { ...SCRAM, KAFKA_SASL_MECHANISM: 'gssapi' }, 'expected one of plain'],
    [
      'KAFKA_SASL_MECHANISM',
      { ...SCRAM, KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: undefined, KAFKA_SASL_MECHANISM: 'plain' },
      'clear text',
    ],
    ['KAFKA_SASL_USERNAME', { ...SCRAM, KAFKA_SASL_USERNAME: '' }, 'expected a user name'],
    ['KAFKA_SASL_USERNAME', { ...SCRAM, KAFKA_SASL_USERNAME: 'a b' }, 'expected a user name'],
    ['KAFKA_SASL_PASSWORD', { ...SCRAM, KAFKA_SASL_PASSWORD: '' }, 'required'],
    ['KAFKA_SASL_PASSWORD', { ...SCRAM, KAFKA_SASL_PASSWORD_FILE: passwordFile }, 'only one'],
    [
      'KAFKA_SASL_PASSWORD_FILE',
      { ...SCRAM, KAFKA_SASL_PASSWORD: undefined, KAFKA_SASL_PASSWORD_FILE: emptyFile },
      'is empty',
    ],
    [
      'KAFKA_SASL_PASSWORD_FILE',
      { ...SCRAM, KAFKA_SASL_PASSWORD: undefined, KAFKA_SASL_PASSWORD_FILE: join(dir, 'x') },
      'ENOENT',
    ],
    ['KAFKA_SASL_USERNAME', { KAFKA_SASL_USERNAME: 'x' }, 'KAFKA_SASL_MECHANISM is not'],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: 'kafka' }, 'host:port'],
  ];
  it.each(bad)('refuses a bad %s, naming it and never echoing the password', (variable, env, text) => {
    const err = failure(env);
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`${variable}: `)).toBe(true);
    expect(err.message).toContain(text);
    expect(err.message).not.toContain(PASSWORD);
    expect(err.message).not.toContain('from-the-file-s3cret');
  });

  it('is part of the worker configuration, which then is a connection config', () => {
    const config = loadConfig(SCRAM);
    expect(config.kafka.sasl?.username).toBe('fenceline-worker');
    expect(config.kafka.tls?.ca).toBe(PEM_CERT);
    expect(() => loadConfig({ ...SCRAM, KAFKA_SASL_MECHANISM: 'nope' })).toThrow(/^KAFKA_SASL_MECHANISM: /);
  });
});
