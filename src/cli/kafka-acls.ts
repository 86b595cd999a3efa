/**
 * The ACLs of every Fenceline client for a given deployment (topic names from the same TOPIC_*
 * variables the worker reads, group ids from flags), as a table or as kafka-acls.sh commands.
 * `fenceline kafka acls` prints them; `fenceline kafka start --secure` creates them for the
 * default names and users.
 */
import { DEFAULT_CENTRE_TOPICS } from '../contract/index.js';
import {
  type AclRow,
  type AclTopics,
  CLIENT_ROLES,
  type ClientRole,
  clientAcls,
  kafkaAclsCommand,
} from '../kafka/acl-plan.js';
import type { WorkerConfig } from '../ops/index.js';

/** Default principal and group (prefix) of each client: the secured local broker's users. */
export const DEFAULT_CLIENTS: Record<ClientRole, { principal: string; group: string }> = {
  worker: { principal: 'User:fenceline-worker', group: 'fenceline-worker' },
  simulator: { principal: 'User:fenceline-simulator', group: '' },
  console: { principal: 'User:fenceline-console', group: 'fenceline-console' },
  // The notifier's groups are prefixed by its client id (NOTIFY_CLIENT_ID, default fenceline-notify).
  notifier: { principal: 'User:fenceline-notifier', group: 'fenceline-notify' },
};

export function aclTopics(config: WorkerConfig): AclTopics {
  return { ...config.topics, ...DEFAULT_CENTRE_TOPICS };
}

export interface AclRequest {
  roles: readonly ClientRole[];
  topics: AclTopics;
  /** Overrides the default group of a single requested role. */
  group?: string;
  principal?: string;
  exactlyOnce: boolean;
}

export function aclRows(req: AclRequest): AclRow[] {
  return req.roles.flatMap((role) =>
    clientAcls(role, {
      principal: req.principal ?? DEFAULT_CLIENTS[role].principal,
      group: req.group ?? DEFAULT_CLIENTS[role].group,
      topics: req.topics,
      exactlyOnce: req.exactlyOnce,
    }),
  );
}

export function renderAclTable(rows: readonly AclRow[]): string {
  const head = ['principal', 'resource', 'pattern', 'name', 'operation', 'why'];
  const cells = rows.map((r) => [r.principal, r.resourceType, r.pattern, r.name, r.operation, r.why]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}

export function renderKafkaAcls(rows: readonly AclRow[]): string {
  return rows.map(kafkaAclsCommand).join('\n');
}

export function isRole(value: string): value is ClientRole {
  return (CLIENT_ROLES as readonly string[]).includes(value);
}
