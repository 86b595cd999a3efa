/**
 * Every way starting or stopping the local broker can fail, as a coded constant (fastify-style),
 * so callers and tests can branch on `code` instead of parsing messages.
 */
export type LocalKafkaErrorCode =
  | 'FL_KAFKA_JAVA_MISSING'
  | 'FL_KAFKA_MVN_MISSING'
  | 'FL_KAFKA_ARTIFACTS_FAILED'
  | 'FL_KAFKA_FORMAT_FAILED'
  | 'FL_KAFKA_PORT_IN_USE'
  | 'FL_KAFKA_EXITED'
  | 'FL_KAFKA_NOT_READY'
  | 'FL_KAFKA_LOCKED'
  | 'FL_KAFKA_STOP_FAILED'
  | 'FL_KAFKA_TLS_FAILED'
  | 'FL_KAFKA_MODE_MISMATCH';

export class LocalKafkaError extends Error {
  override readonly name = 'LocalKafkaError';
  constructor(
    readonly code: LocalKafkaErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Printed whenever a prerequisite is missing: Docker is the other supported way to get a broker. */
export const DOCKER_HINT = 'Alternatively run a broker with Docker: `docker compose up -d kafka`.';
