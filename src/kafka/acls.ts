/**
 * Creating and removing ACL rows (from acl-plan.ts) with the kafkajs Admin API, as an admin
 * principal. Used by `fenceline kafka start --secure` and by the secured-broker tests.
 */
import kafkajs, { type AclEntry, type Admin } from 'kafkajs';
import type { AclRow } from './acl-plan.js';

// kafkajs is CommonJS and Node's ESM loader cannot see these enums as named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

function entry(row: AclRow): AclEntry {
  return {
    resourceType: AclResourceTypes[row.resourceType],
    resourceName: row.resourceType === 'CLUSTER' ? 'kafka-cluster' : row.name,
    resourcePatternType: ResourcePatternTypes[row.pattern],
    principal: row.principal,
    host: '*',
    operation: AclOperationTypes[row.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

export async function createAcls(admin: Admin, rows: readonly AclRow[]): Promise<void> {
  if (rows.length === 0) return;
  await admin.createAcls({ acl: rows.map(entry) });
}

export async function deleteAcls(admin: Admin, rows: readonly AclRow[]): Promise<void> {
  if (rows.length === 0) return;
  await admin.deleteAcls({ filters: rows.map(entry) });
}
