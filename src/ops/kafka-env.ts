/**
 * Kafka connection settings from the environment: brokers plus TLS and SASL. Every client
 * process (worker, simulate, demo, console, notifier) calls loadKafkaConnection(process.env) and
 * hands the result to createKafka (src/kafka/connection.ts).
 *
 * A bad value throws ConfigError naming the variable. Secrets are never echoed: a password is
 * described only as "set"; for files the message names the path, never the content. Files are
 * read here, once, at start-up, so a missing or unreadable file stops the process at once.
 */
import { readFileSync } from 'node:fs';
import {
  type KafkaConnectionConfig,
  type KafkaSasl,
  type KafkaTls,
  SASL_MECHANISMS,
} from '../kafka/connection.js';
import { Secret } from '../kafka/secret.js';
import { ConfigError } from './config-error.js';
import { booleanVar, brokerListVar } from './env-parsers.js';

type Env = Readonly<Record<string, string | undefined>>;

export const KAFKA_SECURITY_VARS = {
  KAFKA_SSL: 'true: connect with TLS (SSL or SASL_SSL); the broker certificate is always verified',
  KAFKA_SSL_CA_FILE: 'PEM file of the CA that signed the broker certificate (default: the system CAs)',
  KAFKA_SSL_CERT_FILE: 'PEM client certificate for mutual TLS (with KAFKA_SSL_KEY_FILE)',
  KAFKA_SSL_KEY_FILE: 'PEM private key (unencrypted) of that client certificate',
  KAFKA_SASL_MECHANISM: `SASL mechanism: ${SASL_MECHANISMS.join(', ')} (unset: no SASL)`,
  KAFKA_SASL_USERNAME: 'SASL user name',
  KAFKA_SASL_PASSWORD: 'SASL password (prefer KAFKA_SASL_PASSWORD_FILE)',
  KAFKA_SASL_PASSWORD_FILE:
    'file holding the SASL password (a mounted secret); one trailing newline is ignored',
} as const;
export type KafkaSecurityVar = keyof typeof KAFKA_SECURITY_VARS;

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw !== undefined && raw.trim() !== '' ? raw : undefined;
}

function readPem(env: Env, name: KafkaSecurityVar, marker: RegExp, what: string): string | undefined {
  const path = value(env, name)?.trim();
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(name, `${name}: cannot read ${JSON.stringify(path)} (${code})`);
  }
  if (!marker.test(text)) {
    throw new ConfigError(name, `${name}: ${JSON.stringify(path)} holds no PEM ${what}`);
  }
  return text;
}

function loadTls(env: Env): KafkaTls | undefined {
  const flag = value(env, 'KAFKA_SSL');
  const parsed = booleanVar().safeParse(flag ?? 'false');
  if (!parsed.success) {
    throw new ConfigError(
      'KAFKA_SSL',
      `KAFKA_SSL: expected true or false (or 1/0, yes/no, on/off), got ${JSON.stringify(flag)}`,
    );
  }
  const files = (['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const).filter(
    (n) => value(env, n) !== undefined,
  );
  if (!parsed.data) {
    if (files.length > 0) {
      throw new ConfigError(
        files[0]!,
        `${files[0]}: is set but KAFKA_SSL is not true; set KAFKA_SSL=true to use TLS`,
      );
    }
    return undefined;
  }
  const ca = readPem(env, 'KAFKA_SSL_CA_FILE', /-----BEGIN CERTIFICATE-----/, 'certificate');
  const cert = readPem(env, 'KAFKA_SSL_CERT_FILE', /-----BEGIN CERTIFICATE-----/, 'certificate');
  const key = readPem(
    env,
    'KAFKA_SSL_KEY_FILE',
    /-----BEGIN (RSA |EC )?PRIVATE KEY-----/,
    'unencrypted private key',
  );
  if ((cert === undefined) !== (key === undefined)) {
    const missing = cert === undefined ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE';
    throw new ConfigError(
      missing,
      `${missing}: mutual TLS needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE`,
    );
  }
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

function loadPassword(env: Env): Secret {
  const inline = env.KAFKA_SASL_PASSWORD;
  const file = value(env, 'KAFKA_SASL_PASSWORD_FILE')?.trim();
  if (inline !== undefined && inline !== '' && file !== undefined) {
    throw new ConfigError(
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SASL_PASSWORD: set only one of KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE',
    );
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(
        'KAFKA_SASL_PASSWORD_FILE',
        `KAFKA_SASL_PASSWORD_FILE: cannot read ${JSON.stringify(file)} (${code})`,
      );
    }
    const password = text.replace(/\r?\n$/, '');
    if (password === '')
      throw new ConfigError(
        'KAFKA_SASL_PASSWORD_FILE',
        `KAFKA_SASL_PASSWORD_FILE: ${JSON.stringify(file)} is empty`,
      );
    return new Secret(password);
  }
  if (inline === undefined || inline === '') {
    throw new ConfigError(
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM (or KAFKA_SASL_PASSWORD_FILE)',
    );
  }
  return new Secret(inline);
}

function loadSasl(env: Env, tls: boolean): KafkaSasl | undefined {
  const raw = value(env, 'KAFKA_SASL_MECHANISM');
  if (raw === undefined) {
    const stray = (['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'] as const).find(
      (n) => value(env, n) !== undefined,
    );
    if (stray) throw new ConfigError(stray, `${stray}: is set but KAFKA_SASL_MECHANISM is not`);
    return undefined;
  }
  const mechanism = raw.trim().toLowerCase();
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new ConfigError(
      'KAFKA_SASL_MECHANISM',
      `KAFKA_SASL_MECHANISM: expected one of ${SASL_MECHANISMS.join(', ')}, got ${JSON.stringify(raw)}`,
    );
  }
  // PLAIN sends the password as is: only over TLS.
  if (mechanism === 'plain' && !tls) {
    throw new ConfigError(
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_MECHANISM: plain sends the password in clear text; set KAFKA_SSL=true',
    );
  }
  const username = value(env, 'KAFKA_SASL_USERNAME')?.trim();
  if (username === undefined || /[\s\p{Cc},=]/u.test(username)) {
    throw new ConfigError(
      'KAFKA_SASL_USERNAME',
      `KAFKA_SASL_USERNAME: expected a user name without spaces, ',' or '=', got ${JSON.stringify(username ?? '')}`,
    );
  }
  return { mechanism: mechanism as KafkaSasl['mechanism'], username, password: loadPassword(env) };
}

/** KAFKA_BROKERS (default 127.0.0.1:9092) plus the security variables, validated. */
export function loadKafkaConnection(env: Env, defaultBrokers = '127.0.0.1:9092'): KafkaConnectionConfig {
  const rawBrokers = value(env, 'KAFKA_BROKERS') ?? defaultBrokers;
  const brokers = brokerListVar().safeParse(rawBrokers);
  if (!brokers.success) {
    throw new ConfigError(
      'KAFKA_BROKERS',
      `KAFKA_BROKERS: ${brokers.error.issues[0]?.message}, got ${JSON.stringify(rawBrokers)}`,
    );
  }
  const tls = loadTls(env);
  const sasl = loadSasl(env, tls !== undefined);
  return { brokers: brokers.data, ...(tls ? { tls } : {}), ...(sasl ? { sasl } : {}) };
}

/**
 * Only the TLS and SASL part of the connection settings, for a service that reads its own broker
 * list and client id (the console, the notifier, the profile publisher): the same variables and
 * checks as every other client, so one set of secrets serves them all.
 */
export function kafkaSecurity(env: Env): { tls?: KafkaTls; sasl?: KafkaSasl } {
  const { tls, sasl } = loadKafkaConnection(env);
  return { ...(tls ? { tls } : {}), ...(sasl ? { sasl } : {}) };
}
