/**
 * The single-node KRaft configuration (broker and controller in one JVM) and its Log4j2 config.
 * Pure: same input, same text; unit-tested in test/local-kafka/broker-config.test.ts.
 */

export interface BrokerConfigInput {
  /** Client (PLAINTEXT) port on 127.0.0.1. */
  port: number;
  /** KRaft controller port on 127.0.0.1. */
  controllerPort: number;
  /** log.dirs: partition data and the KRaft metadata log. */
  dataDir: string;
  /** Present: a SASL_SSL client listener, a mutual-TLS controller listener and ACLs enforced. */
  security?: BrokerSecurityInput;
}

export interface BrokerSecurityInput {
  /** PEM: the broker's key, certificate and the CA (ssl.keystore.type=PEM). */
  keystoreFile: string;
  /** PEM: the CA every TLS peer must be signed by. */
  caFile: string;
  /** The broker's own SCRAM login for inter-broker traffic (transaction markers go to itself). */
  brokerUser: string;
  brokerPassword: string;
  /** Principals the authorizer lets do anything: the broker (both identities) and the admin. */
  superUsers: readonly string[];
}

/** A JAAS value inside a properties file: quotes and backslashes escaped. */
function jaasQuote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function listenerSettings(input: BrokerConfigInput): Array<[key: string, value: string | number]> {
  const { port, controllerPort, security } = input;
  if (!security) {
    return [
      ['listeners', `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`],
      ['advertised.listeners', `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`],
      ['controller.listener.names', 'CONTROLLER'],
      ['inter.broker.listener.name', 'PLAINTEXT'],
      ['listener.security.protocol.map', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT'],
    ];
  }
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username=${jaasQuote(security.brokerUser)} password=${jaasQuote(security.brokerPassword)};`;
  return [
    ['listeners', `SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`],
    ['advertised.listeners', `SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'SASL_SSL'],
    // The controller listener is TLS with client certificates: no anonymous principal anywhere.
    ['listener.security.protocol.map', 'CONTROLLER:SSL,SASL_SSL:SASL_SSL'],
    ['ssl.keystore.type', 'PEM'],
    ['ssl.keystore.location', security.keystoreFile],
    ['ssl.truststore.type', 'PEM'],
    ['ssl.truststore.location', security.caFile],
    ['listener.name.controller.ssl.client.auth', 'required'],
    ['listener.name.sasl_ssl.ssl.client.auth', 'none'],
    // SCRAM only: its credentials live in the metadata log (created at format), and PLAIN would
    // need passwords in this file.
    ['sasl.enabled.mechanisms', 'SCRAM-SHA-256,SCRAM-SHA-512'],
    ['sasl.mechanism.inter.broker.protocol', 'SCRAM-SHA-512'],
    ['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config', jaas],
    ['listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config', jaas],
    ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    ['super.users', security.superUsers.join(';')],
    ['allow.everyone.if.no.acl.found', 'false'],
  ];
}

/** Largest record batch accepted: the integration tests push a 2 MB malformed ping to the DLQ. */
export const MESSAGE_MAX_BYTES = 4 * 1024 * 1024;

export function brokerSettings(input: BrokerConfigInput): Array<[key: string, value: string | number]> {
  const { controllerPort, dataDir } = input;
  return [
    // Identity and quorum: one node plays both roles. Static voters (not --standalone) because
    // the voter set never changes here and 4.1 rejects --standalone together with voters.
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@127.0.0.1:${controllerPort}`],
    ...listenerSettings(input),
    ['log.dirs', dataDir],

    // One broker: every replication factor and min ISR must be 1 or the internal topics (and
    // therefore consumer groups and transactions) never become available.
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['offsets.topic.replication.factor', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],

    // Fast first use: one partition per internal topic and no 3 s wait before the first join.
    ['offsets.topic.num.partitions', 1],
    ['transaction.state.log.num.partitions', 1],
    ['group.initial.rebalance.delay.ms', 0],
    ['num.partitions', 1],
    // Friendly for ad-hoc use (kcat, the demo). Tests and the worker create their topics
    // explicitly, so a misspelt topic still shows up as an empty, unexpected topic in listings.
    ['auto.create.topics.enable', 'true'],

    // Room for the 2 MB malformed ping test; followers/fetchers must be able to read it too.
    ['message.max.bytes', MESSAGE_MAX_BYTES],
    ['replica.fetch.max.bytes', MESSAGE_MAX_BYTES],

    // Keep data forever: simulated pings may carry old event timestamps, and time retention
    // would otherwise delete them under a test's feet. Compaction stays on (cleaner default).
    ['log.retention.ms', -1],
    // The cleaner's 128 MB default dedupe buffer is a quarter of our 512 MB heap.
    ['log.cleaner.dedupe.buffer.size', 32 * 1024 * 1024],

    // Two shared cores: fewer request threads than the defaults (3 network, 8 io).
    ['num.network.threads', 2],
    ['num.io.threads', 4],
  ];
}

export function renderServerProperties(input: BrokerConfigInput): string {
  const lines = [
    '# Generated by fenceline kafka start (src/local-kafka/broker-config.ts). Edits are overwritten.',
  ];
  for (const [key, value] of brokerSettings(input)) lines.push(`${key}=${escapeValue(String(value))}`);
  return `${lines.join('\n')}\n`;
}

/** Java properties treat backslashes as escapes (Windows paths); nothing else we emit needs it. */
function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

/**
 * Log4j2 in properties form (YAML would need an extra jackson jar). Everything goes to one rolling
 * file in the state dir's logs/ so a detached broker never writes to the terminal that started it.
 */
export function renderLog4j2Properties(logsDir: string): string {
  const dir = logsDir.replace(/\\/g, '/');
  return `${[
    '# Generated by fenceline kafka start (src/local-kafka/broker-config.ts).',
    'name=fenceline-local-kafka',
    'appender.file.type=RollingFile',
    'appender.file.name=FILE',
    `appender.file.fileName=${dir}/server.log`,
    `appender.file.filePattern=${dir}/server.log.%i`,
    'appender.file.layout.type=PatternLayout',
    'appender.file.layout.pattern=[%d] %p %m (%c)%n',
    'appender.file.policies.type=Policies',
    'appender.file.policies.size.type=SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size=50MB',
    'appender.file.strategy.type=DefaultRolloverStrategy',
    'appender.file.strategy.max=3',
    'rootLogger.level=INFO',
    'rootLogger.appenderRef.file.ref=FILE',
    // Per-request and state-change chatter drowns the lines that explain a failure.
    'logger.request.name=kafka.request.logger',
    'logger.request.level=WARN',
    'logger.stateChange.name=state.change.logger',
    'logger.stateChange.level=WARN',
  ].join('\n')}\n`;
}

/** JVM flags: enough for a test broker on two shared cores. */
export const JVM_OPTIONS: readonly string[] = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-Djava.awt.headless=true',
];
