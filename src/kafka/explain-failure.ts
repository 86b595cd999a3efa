/**
 * Turns a kafkajs failure into ONE line an operator can act on: wrong credentials, an untrusted
 * broker certificate, or a missing ACL, naming the principal and what to do. kafkajs' own
 * messages ("Connection error: self-signed certificate in certificate chain", "Not authorized to
 * access group") are correct but say neither who was refused nor why.
 *
 * Pure: walks the error and its causes; never includes the password (it is not in the config
 * text this sees, and kafkajs errors never carry it).
 */
import type { KafkaConnectionConfig } from './connection.js';

/** Node's TLS verification codes that mean "this certificate is not trusted / not for this host". */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

const ACL_TYPES: Record<string, string> = {
  TOPIC_AUTHORIZATION_FAILED: 'a topic',
  GROUP_AUTHORIZATION_FAILED: 'a consumer group',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'a transactional id',
  CLUSTER_AUTHORIZATION_FAILED: 'the cluster',
};

export type KafkaFailureKind = 'authentication' | 'tls' | 'authorization';

export interface KafkaFailure {
  kind: KafkaFailureKind;
  /** One line, no secrets. */
  line: string;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && out.length < 8 && !out.includes(cur as ErrorLike)) {
    const e = cur as ErrorLike;
    out.push(e);
    cur = e.cause ?? e.originalError;
  }
  return out;
}

function who(connection: KafkaConnectionConfig): string {
  return connection.sasl ? `User:${connection.sasl.username}` : 'the anonymous (unauthenticated) client';
}

/** Undefined when the failure is none of the three security causes (leave it to the caller). */
export function explainKafkaFailure(
  err: unknown,
  connection: KafkaConnectionConfig,
): KafkaFailure | undefined {
  for (const e of chain(err)) {
    const name = String(e.name ?? '');
    const message = String(e.message ?? '');
    const code = typeof e.code === 'string' ? e.code : undefined;
    const type = typeof e.type === 'string' ? e.type : undefined;
    if (name === 'KafkaJSSASLAuthenticationError' || type === 'SASL_AUTHENTICATION_FAILED') {
      const mech = connection.sasl?.mechanism.toUpperCase() ?? 'SASL';
      return {
        kind: 'authentication',
        line: `Kafka rejected the credentials of ${who(connection)} (${mech}): wrong username or password (KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE)`,
      };
    }
    if (
      code !== undefined &&
      (UNTRUSTED.has(code) || EXPIRED.has(code) || code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    ) {
      const why = EXPIRED.has(code)
        ? 'has expired or is not yet valid'
        : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'does not name the host in KAFKA_BROKERS'
          : connection.tls?.ca
            ? 'is not signed by the CA in KAFKA_SSL_CA_FILE'
            : 'is not signed by a CA this system trusts; set KAFKA_SSL_CA_FILE';
      return { kind: 'tls', line: `Kafka TLS: the broker's certificate ${why} (${code})` };
    }
    if (type !== undefined && ACL_TYPES[type] !== undefined) {
      return {
        kind: 'authorization',
        line: `Kafka denied ${who(connection)} access to ${ACL_TYPES[type]} (${type}): an ACL is missing; \`fenceline kafka acls\` prints the ACLs each client needs`,
      };
    }
    // kafkajs drops FindCoordinator's GROUP/TRANSACTIONAL_ID_AUTHORIZATION_FAILED and reports
    // only "Failed to find group coordinator". With an identity on a cluster that has a working
    // coordinator, a missing ACL is by far the likeliest cause: say so, and say it is inferred.
    if (name === 'KafkaJSGroupCoordinatorNotFound' && connection.sasl) {
      return {
        kind: 'authorization',
        line: `Kafka gave ${who(connection)} no coordinator for a consumer group or transactional id: most likely a missing ACL (READ on the group, WRITE on the transactional id; kafkajs hides the exact refusal); \`fenceline kafka acls\` prints the ACLs each client needs`,
      };
    }
    if (/^Not authorized to access (topics|group)/.test(message)) {
      return {
        kind: 'authorization',
        line: `Kafka denied ${who(connection)}: ${message}; \`fenceline kafka acls\` prints the ACLs each client needs`,
      };
    }
  }
  return undefined;
}
