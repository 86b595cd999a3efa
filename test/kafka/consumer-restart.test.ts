/** When to start a new input consumer, and whether a crash is fatal (consumer-restart.ts), given/when/then. */
import { describe, expect, it } from 'vitest';
import type { KafkaConnectionConfig } from '../../src/kafka/connection.js';
import {
  crashFacts,
  crashVerdict,
  RESTART_MAX_MS,
  restartDelayMs,
} from '../../src/kafka/consumer-restart.js';
import { Secret } from '../../src/kafka/secret.js';

const SECRET = new Secret('hunter2-very-secret');

describe('new input consumer back-off', () => {
  it('starts at 1 s and doubles', () => {
    expect([1, 2, 3, 4, 5].map(restartDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('is capped at 30 s however long the outage lasts', () => {
    expect(restartDelayMs(6)).toBe(RESTART_MAX_MS);
    expect(restartDelayMs(7)).toBe(30_000);
    expect(restartDelayMs(10_000)).toBe(30_000);
  });

  it('rejects a crash count below 1 or not an integer', () => {
    expect(() => restartDelayMs(0)).toThrow(RangeError);
    expect(() => restartDelayMs(1.5)).toThrow(RangeError);
  });
});

describe('what to do with a consumer kafkajs gave up on', () => {
  const plain: KafkaConnectionConfig = { brokers: ['127.0.0.1:9092'] };
  const sasl: KafkaConnectionConfig = {
    brokers: ['kafka:9093'],
    sasl: { mechanism: 'scram-sha-512', username: 'fenceline-notify', password: SECRET },
  };
  const coordinatorGone = Object.assign(new Error('Failed to find group coordinator'), {
    name: 'KafkaJSGroupCoordinatorNotFound',
  });
  const wrapped = Object.assign(new Error('Failed to find group coordinator'), {
    name: 'KafkaJSNonRetriableError',
    cause: coordinatorGone,
  });
  const refusedAcl = Object.assign(new Error('Not authorized to access group'), {
    name: 'KafkaJSProtocolError',
    type: 'GROUP_AUTHORIZATION_FAILED',
  });
  const badPassword = Object.assign(new Error('SASL SCRAM SHA512 authentication failed'), {
    name: 'KafkaJSSASLAuthenticationError',
  });

  it('given an outage without SASL, then a new consumer', () => {
    expect(crashVerdict(crashFacts(wrapped, plain, true))).toBe('replace');
    expect(crashVerdict(crashFacts(wrapped, plain, false))).toBe('replace');
    expect(crashVerdict(crashFacts(new Error('Connection error: ECONNREFUSED'), plain, true))).toBe(
      'replace',
    );
  });

  it('given no coordinator for a SASL identity that was reading, then an outage: a new consumer', () => {
    const facts = crashFacts(wrapped, sasl, true);
    expect(facts).toMatchObject({ refused: true, refusalInferred: true });
    expect(crashVerdict(facts)).toBe('replace');
  });

  it('given no coordinator for a SASL identity never assigned, then likely a missing ACL: fatal', () => {
    expect(crashVerdict(crashFacts(wrapped, sasl, false))).toBe('fatal');
  });

  it('given a refusal Kafka stated (ACL error code, bad password), then fatal whatever came before', () => {
    for (const err of [refusedAcl, badPassword]) {
      const facts = crashFacts(err, sasl, true);
      expect(facts).toMatchObject({ refused: true, refusalInferred: false });
      expect(crashVerdict(facts)).toBe('fatal');
    }
    expect(crashVerdict(crashFacts(refusedAcl, plain, true))).toBe('fatal');
  });

  it('never puts the password in the refusal line', () => {
    expect(crashFacts(badPassword, sasl, true).refusal?.line).not.toContain('hunter2-very-secret');
  });
});
