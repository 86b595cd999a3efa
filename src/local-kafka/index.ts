/** Running a real Apache Kafka broker from Maven artifacts, without Docker. */
export { acquireBrokers, type BrokerHandle } from './acquire-brokers.js';
export { MESSAGE_MAX_BYTES } from './broker-config.js';
export { DOCKER_HINT, LocalKafkaError, type LocalKafkaErrorCode } from './errors.js';
export {
  type LocalKafkaOptions,
  localKafkaStatus,
  resolvePort,
  type SecureConnectionInfo,
  type StartResult,
  type StatusResult,
  type StopResult,
  startLocalKafka,
  stopLocalKafka,
} from './local-kafka.js';
export { DEFAULT_PORT, KAFKA_ARTIFACT, KAFKA_VERSION, kafkaHome, stateDirFor } from './paths.js';
export { ADMIN_USER, CLIENT_USERS, SCRAM_MECHANISM } from './secure-material.js';
