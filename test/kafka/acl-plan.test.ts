/**
 * Given a deployment's topic names and group ids, when the ACL plan is built, then each client
 * gets exactly its documented rights: no CREATE/DELETE anywhere, the worker's groups and
 * transactional ids follow the names the stream layer really uses.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_ROLES, clientAcls, kafkaAclsCommand } from '../../src/kafka/acl-plan.js';
import { transactionalId } from '../../src/stream/partition-sink.js';

const topics = {
  pings: 'p',
  zones: 'z',
  enrolments: 'e',
  alerts: 'a',
  pingsDlq: 'd',
  stateChangelog: 'c',
  zonesAccepted: 'za',
  enrolmentsAccepted: 'ea',
  configDlq: 'cd',
  alertActions: 'aa',
  notifications: 'n',
  consoleAudit: 'ca',
};

const key = (r: { resourceType: string; pattern: string; name: string; operation: string }) =>
  `${r.resourceType}:${r.pattern}:${r.name}:${r.operation}`;

describe('the ACL plan', () => {
  it('gives the worker read on its inputs, write on its outputs, its groups and transactional ids', () => {
    const rows = clientAcls('worker', { principal: 'User:w', topics, group: 'g' });
    expect(rows.map(key).sort()).toEqual(
      [
        'TOPIC:LITERAL:p:READ',
        'TOPIC:LITERAL:z:READ',
        'TOPIC:LITERAL:e:READ',
        'TOPIC:LITERAL:a:WRITE',
        'TOPIC:LITERAL:d:WRITE',
        'TOPIC:LITERAL:c:READ',
        'TOPIC:LITERAL:c:WRITE',
        'TOPIC:LITERAL:za:READ',
        'TOPIC:LITERAL:za:WRITE',
        'TOPIC:LITERAL:ea:READ',
        'TOPIC:LITERAL:ea:WRITE',
        'TOPIC:LITERAL:cd:WRITE',
        'GROUP:LITERAL:g:READ',
        'GROUP:PREFIXED:g.:READ',
        'TRANSACTIONAL_ID:PREFIXED:g-p-:WRITE',
      ].sort(),
    );
    expect(rows.every((r) => r.principal === 'User:w')).toBe(true);
    // The prefix really covers the ids the sink uses.
    expect(transactionalId('g', 'p', 7).startsWith('g-p-')).toBe(true);
  });

  it('drops the transactional ids when exactly-once is off', () => {
    const rows = clientAcls('worker', { principal: 'User:w', topics, group: 'g', exactlyOnce: false });
    expect(rows.some((r) => r.resourceType === 'TRANSACTIONAL_ID')).toBe(false);
  });

  it('lets only the simulator write zones; nobody may create or delete', () => {
    for (const role of CLIENT_ROLES) {
      const rows = clientAcls(role, { principal: `User:${role}`, topics, group: role });
      const writesZones = rows.some((r) => r.name === 'z' && r.operation === 'WRITE');
      expect(writesZones, role).toBe(role === 'simulator');
      for (const r of rows) expect(['READ', 'WRITE']).toContain(r.operation);
    }
  });

  it('gives the console and the notifier their documented topics', () => {
    const c = clientAcls('console', { principal: 'User:c', topics, group: 'cg' }).map(key);
    expect(c).toContain('TOPIC:LITERAL:aa:WRITE');
    expect(c).toContain('GROUP:PREFIXED:cg:READ');
    const n = clientAcls('notifier', { principal: 'User:n', topics, group: 'ng' }).map(key);
    expect(n).toContain('TOPIC:LITERAL:n:WRITE');
    expect(n).not.toContain('TOPIC:LITERAL:aa:WRITE');
  });

  it('renders kafka-acls.sh commands', () => {
    const [row] = clientAcls('worker', { principal: 'User:w', topics, group: 'g' });
    expect(kafkaAclsCommand(row!)).toContain("--allow-principal 'User:w' --operation Read --topic 'p'");
  });
});
