/**
 * Given a kafkajs failure, when it is explained, then wrong credentials, an untrusted broker
 * certificate and a missing ACL each become one line naming the cause and the principal, and any
 * other failure is left alone.
 */
import { describe, expect, it } from 'vitest';
import { describeConnection, type KafkaConnectionConfig } from '../../src/kafka/connection.js';
import { explainKafkaFailure } from '../../src/kafka/explain-failure.js';
import { Secret } from '../../src/kafka/secret.js';

const conn: KafkaConnectionConfig = {
  brokers: ['127.0.0.1:9093'],
  tls: { ca: 'PEM' },
  sasl: { mechanism: 'scram-sha-512', username: 'fenceline-worker', password: new Secret('pw-123456') },
};

function kafkaError(name: string, message: string, extra: object = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('explainKafkaFailure', () => {
  it('names wrong credentials and the user, not the password', () => {
    const err = kafkaError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed');
    const f = explainKafkaFailure(err, conn);
    expect(f?.kind).toBe('authentication');
    expect(f?.line).toMatch(/rejected the credentials of User:fenceline-worker \(SCRAM-SHA-512\)/);
    expect(f?.line).not.toContain('pw-123456');
  });

  it('names an untrusted certificate, found through the retry wrapper', () => {
    const inner = kafkaError(
      'KafkaJSConnectionError',
      'Connection error: self-signed certificate in certificate chain',
      {
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      },
    );
    const outer = kafkaError('KafkaJSNumberOfRetriesExceeded', inner.message, { cause: inner });
    const f = explainKafkaFailure(outer, conn);
    expect(f?.kind).toBe('tls');
    expect(f?.line).toBe(
      "Kafka TLS: the broker's certificate is not signed by the CA in KAFKA_SSL_CA_FILE (SELF_SIGNED_CERT_IN_CHAIN)",
    );
  });

  it('names a missing ACL with the principal and the command that prints the needed ACLs', () => {
    const err = kafkaError(
      'KafkaJSProtocolError',
      'Not authorized to access group: Group authorization failed',
      {
        type: 'GROUP_AUTHORIZATION_FAILED',
      },
    );
    const f = explainKafkaFailure(err, conn);
    expect(f?.kind).toBe('authorization');
    expect(f?.line).toMatch(/denied User:fenceline-worker access to a consumer group/);
    expect(f?.line).toContain('fenceline kafka acls');
  });

  it('leaves other failures alone', () => {
    expect(explainKafkaFailure(new Error('Connection timeout'), conn)).toBeUndefined();
  });

  it('describes a connection without secrets', () => {
    expect(describeConnection(conn)).toBe('SASL_SSL to 127.0.0.1:9093 as fenceline-worker (scram-sha-512)');
    expect(describeConnection({ brokers: ['a:1'] })).toBe('PLAINTEXT to a:1');
  });
});

describe('explainKafkaFailure: a coordinator kafkajs could not find', () => {
  it('is reported as a likely missing ACL when the client has an identity', () => {
    const err = kafkaError('KafkaJSGroupCoordinatorNotFound', 'Failed to find group coordinator');
    expect(explainKafkaFailure(err, conn)?.line).toMatch(/no coordinator .* most likely a missing ACL/);
    expect(explainKafkaFailure(err, { brokers: ['a:1'] })).toBeUndefined();
  });
});
