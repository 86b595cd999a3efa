/** Default topic names from the wire contract; each one is configurable. */
export const DEFAULT_TOPICS = {
  pings: 'fenceline.pings',
  zones: 'fenceline.zones',
  enrolments: 'fenceline.enrolments',
  alerts: 'fenceline.alerts',
  pingsDlq: 'fenceline.pings.dlq',
} as const;

export type TopicNames = { -readonly [K in keyof typeof DEFAULT_TOPICS]: string };

/** Header names the contract fixes for dead-lettered pings. */
export const DLQ_HEADERS = {
  error: 'error',
  sourceTopic: 'source-topic',
  sourcePartition: 'source-partition',
  sourceOffset: 'source-offset',
} as const;

/**
 * Topics of the monitoring centre's side (console and notifier), kept apart from the engine's
 * DEFAULT_TOPICS so the worker's configuration is unchanged. Each is configurable.
 */
export const DEFAULT_CENTRE_TOPICS = {
  /** Operator actions from the console: the incident audit trail. Key: incidentId. */
  alertActions: 'fenceline.alert-actions',
  /** The notifier's delivery ledger. Key: notificationId. */
  notifications: 'fenceline.notifications',
  /** The console's view log: who saw a zone's geometry or a track. Key: subjectId. */
  consoleAudit: 'fenceline.console-audit',
} as const;
