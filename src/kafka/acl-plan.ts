/**
 * Least privilege as data: the ACLs each Fenceline client needs, and no more. Pure; the README's
 * table, `fenceline kafka acls` and the secured-broker tests are all built from this one table,
 * so the documented rights and the tested rights cannot drift apart.
 *
 * READ implies DESCRIBE and WRITE implies DESCRIBE in Kafka's authorizer, so neither is listed
 * separately. No client gets CREATE or DELETE: topics are created by an administrator (or by
 * `fenceline kafka start --secure` for the default names), and workers then run with
 * CREATE_TOPICS=false or find every topic already there.
 */

export type AclResourceType = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID' | 'CLUSTER';
export type AclPattern = 'LITERAL' | 'PREFIXED';
export type AclOperation = 'READ' | 'WRITE' | 'DESCRIBE' | 'IDEMPOTENT_WRITE';

export interface AclRow {
  /** e.g. User:fenceline-worker */
  principal: string;
  resourceType: AclResourceType;
  pattern: AclPattern;
  name: string;
  operation: AclOperation;
  /** Why the client needs it: shown in the table. */
  why: string;
}

export const CLIENT_ROLES = ['worker', 'simulator', 'console', 'notifier'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];

export interface AclTopics {
  pings: string;
  zones: string;
  enrolments: string;
  alerts: string;
  pingsDlq: string;
  stateChangelog: string;
  /** The worker's copies of the last accepted zone and enrolment versions. */
  zonesAccepted: string;
  enrolmentsAccepted: string;
  /** Refused zone and enrolment records. */
  configDlq: string;
  alertActions: string;
  notifications: string;
  consoleAudit: string;
}

export interface AclInput {
  principal: string;
  topics: AclTopics;
  /**
   * worker: FENCELINE_GROUP_ID (its table readers and changelog restores use `<group>.` groups,
   * its transactional ids are `<group>-<pings topic>-<partition>`). console and notifier: the
   * prefix of every consumer group they use. Unused by the simulator (it only produces).
   */
  group: string;
  /** worker: EXACTLY_ONCE (default true) needs the transactional-id rights. */
  exactlyOnce?: boolean;
}

type Row = Omit<AclRow, 'principal'>;

const topic = (name: string, operation: AclOperation, why: string): Row => ({
  resourceType: 'TOPIC',
  pattern: 'LITERAL',
  name,
  operation,
  why,
});

function workerRows({ topics: t, group, exactlyOnce = true }: AclInput): Row[] {
  const rows: Row[] = [
    topic(t.pings, 'READ', 'consume pings'),
    topic(t.zones, 'READ', 'zones table (read whole on every worker)'),
    topic(t.enrolments, 'READ', 'enrolments table'),
    topic(t.alerts, 'WRITE', 'publish alerts'),
    topic(t.pingsDlq, 'WRITE', 'dead-letter malformed pings'),
    topic(t.stateChangelog, 'READ', 'restore per-tag state'),
    topic(t.stateChangelog, 'WRITE', 'write per-tag state'),
    topic(t.zonesAccepted, 'READ', 'restore the last accepted zone versions'),
    topic(t.zonesAccepted, 'WRITE', 'keep the last accepted zone versions'),
    topic(t.enrolmentsAccepted, 'READ', 'restore the last accepted enrolments'),
    topic(t.enrolmentsAccepted, 'WRITE', 'keep the last accepted enrolments'),
    topic(t.configDlq, 'WRITE', 'dead-letter refused zone and enrolment records'),
    {
      resourceType: 'GROUP',
      pattern: 'LITERAL',
      name: group,
      operation: 'READ',
      why: 'the pings consumer group',
    },
    {
      resourceType: 'GROUP',
      pattern: 'PREFIXED',
      name: `${group}.`,
      operation: 'READ',
      why: 'table readers and changelog restores (one group each)',
    },
  ];
  if (exactlyOnce) {
    rows.push({
      resourceType: 'TRANSACTIONAL_ID',
      pattern: 'PREFIXED',
      name: `${group}-${t.pings}-`,
      operation: 'WRITE',
      why: 'one transactional producer per pings partition',
    });
  }
  return rows;
}

function simulatorRows({ topics: t }: AclInput): Row[] {
  return [
    topic(t.pings, 'WRITE', 'publish pings'),
    topic(t.zones, 'WRITE', 'publish zones'),
    topic(t.enrolments, 'WRITE', 'publish enrolments'),
  ];
}

function consoleRows({ topics: t, group }: AclInput): Row[] {
  return [
    topic(t.alerts, 'READ', 'show alerts'),
    topic(t.zones, 'READ', 'show zones'),
    topic(t.enrolments, 'READ', 'show enrolments'),
    topic(t.notifications, 'READ', 'show delivery state'),
    topic(t.pings, 'READ', 'track a subject live'),
    topic(t.alertActions, 'READ', 'incident audit trail'),
    topic(t.alertActions, 'WRITE', 'operator actions (acknowledge, close)'),
    topic(t.consoleAudit, 'WRITE', 'record every view of a zone or track'),
    {
      resourceType: 'GROUP',
      pattern: 'PREFIXED',
      name: group,
      operation: 'READ',
      why: 'its consumer groups',
    },
  ];
}

function notifierRows({ topics: t, group }: AclInput): Row[] {
  return [
    topic(t.alerts, 'READ', 'alerts to notify'),
    topic(t.alertActions, 'READ', 'stop escalating acknowledged alerts'),
    topic(t.notifications, 'READ', 'its delivery ledger'),
    topic(t.notifications, 'WRITE', 'record deliveries'),
    {
      resourceType: 'GROUP',
      pattern: 'PREFIXED',
      name: group,
      operation: 'READ',
      why: 'its consumer groups',
    },
  ];
}

export function clientAcls(role: ClientRole, input: AclInput): AclRow[] {
  let rows: Row[];
  switch (role) {
    case 'worker':
      rows = workerRows(input);
      break;
    case 'simulator':
      rows = simulatorRows(input);
      break;
    case 'console':
      rows = consoleRows(input);
      break;
    case 'notifier':
      rows = notifierRows(input);
      break;
    default: {
      const unreachable: never = role;
      throw new Error(`unknown client role ${String(unreachable)}`);
    }
  }
  return rows.map((r) => ({ principal: input.principal, ...r }));
}

/** The same rows as `kafka-acls.sh` commands, for clusters managed with Kafka's own tools. */
export function kafkaAclsCommand(row: AclRow): string {
  const resource =
    row.resourceType === 'TOPIC'
      ? `--topic '${row.name}'`
      : row.resourceType === 'GROUP'
        ? `--group '${row.name}'`
        : row.resourceType === 'TRANSACTIONAL_ID'
          ? `--transactional-id '${row.name}'`
          : '--cluster';
  const pattern = row.pattern === 'PREFIXED' ? ' --resource-pattern-type prefixed' : '';
  const op = row.operation.toLowerCase().replace('_', '');
  return `kafka-acls.sh --bootstrap-server "$KAFKA_BROKERS" --command-config admin.properties --add --allow-principal '${row.principal}' --operation ${op === 'idempotentwrite' ? 'IdempotentWrite' : op[0]!.toUpperCase() + op.slice(1)} ${resource}${pattern}`;
}
