import { z } from 'zod';
import { ConsoleRole } from './alert-action.js';
import { EpochMs } from './primitives.js';

/**
 * A record that someone looked at the most dangerous data in the system: a zone's geometry or a
 * subject's track. One per view, on the console-audit topic (key: subjectId), so a leak can be
 * traced to who saw what, when. Kept off the alert-actions topic on purpose: the notifier (and
 * any other consumer) folds that topic's actions, and a view is not an action on an incident.
 * It names ids only, never the geometry or coordinates that were shown.
 */
export const AUDIT_VIEWS = ['zone_geometry', 'track'] as const;
export const AuditView = z.enum(AUDIT_VIEWS);

export const ConsoleAuditSchema = z.object({
  auditId: z.string().min(1).max(128),
  view: AuditView,
  user: z.string().min(1).max(128),
  role: ConsoleRole,
  at: EpochMs,
  subjectId: z.string().min(1).max(256),
  incidentId: z.string().min(1).max(1024).optional(),
  zoneIds: z.array(z.string().min(1).max(256)).max(1000).optional(),
});
export type ConsoleAudit = z.infer<typeof ConsoleAuditSchema>;
