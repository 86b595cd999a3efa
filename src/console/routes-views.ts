/**
 * The views that show where people are: an incident's map (zone geometry, evidence fixes, the
 * subject's recent track) and the subject view. The map is refused to auditors on the server, not
 * just hidden in the page, and every map served first writes a view-audit record to Kafka: if the
 * record cannot be written, the map is not shown.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildReport } from '../centre/index.js';
import { type ConsoleAudit, describeZodError } from '../contract/index.js';
import type { ConsoleContext } from './context.js';

const TRACK_WINDOW_MS = 24 * 3600_000;
const ReportQuery = z.object({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 366)
    .default(24),
});

export function registerViewRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get<{ Params: { id: string } }>('/api/incidents/:id/map', async (req, reply) => {
    const p = req.principal!;
    if (p.role === 'auditor') {
      return reply
        .code(403)
        .send({ error: 'forbidden', reason: 'auditors do not see zone geometry or tracks' });
    }
    const incident = ctx.store.state.incidents.get(req.params.id);
    if (incident === undefined)
      return reply.code(404).send({ error: 'not_found', reason: 'no such incident' });
    const zone = incident.zoneId !== undefined ? ctx.store.zones.get(incident.zoneId) : undefined;
    const positions = ctx.store.positionsOf(incident.subjectId);
    const own = positions.filter((x) => x.incidentId === incident.incidentId);
    const since = Math.max(...own.map((x) => x.ts), incident.openedAt) - TRACK_WINDOW_MS;
    const track = positions
      .filter((x) => x.ts >= since)
      .flatMap((x) => [
        ...x.evidence.map((e) => ({ ts: e.ts, lat: e.lat, lon: e.lon, accuracyM: e.accuracyM })),
        ...(x.lat !== undefined && x.lon !== undefined
          ? [{ ts: x.ts, lat: x.lat, lon: x.lon, accuracyM: x.accuracyM ?? 0 }]
          : []),
      ])
      .sort((a, b) => a.ts - b.ts);
    const audit: ConsoleAudit = {
      auditId: randomUUID(),
      view: zone !== undefined ? 'zone_geometry' : 'track',
      user: p.user,
      role: p.role,
      at: ctx.now(),
      subjectId: incident.subjectId,
      incidentId: incident.incidentId,
      ...(zone !== undefined && { zoneIds: [zone.zoneId] }),
    };
    await ctx.producer.sendAudit(audit);
    return {
      incidentId: incident.incidentId,
      zone: zone && {
        zoneId: zone.zoneId,
        kind: zone.kind,
        geometry: zone.geometry,
        radiusM: zone.radiusM ?? null,
        warningM: zone.warningM ?? null,
        label: zone.label ?? null,
      },
      alerts: own.map((x) => ({
        alertId: x.alertId,
        type: x.type,
        ts: x.ts,
        lat: x.lat ?? null,
        lon: x.lon ?? null,
        accuracyM: x.accuracyM ?? null,
        evidence: x.evidence,
      })),
      track,
    };
  });

  app.get<{ Params: { id: string } }>('/api/subjects/:id', async (req, reply) => {
    const subjectId = req.params.id;
    const tags = ctx.store.tagsOf(subjectId);
    const incidents = [...ctx.store.state.incidents.values()]
      .filter((i) => i.subjectId === subjectId)
      .sort((a, b) => b.openedAt - a.openedAt);
    const zones = ctx.store.zonesOf(subjectId);
    if (tags.length === 0 && incidents.length === 0 && zones.length === 0) {
      return reply.code(404).send({ error: 'not_found', reason: 'no such subject' });
    }
    const lastAlert = incidents.flatMap((i) => i.alerts).sort((a, b) => b.ts - a.ts);
    const lastOf = (type: string) => lastAlert.find((a) => a.type === type)?.ts ?? null;
    return {
      subjectId,
      tags: tags.map((t) => ({ tagId: t.tagId, validFrom: t.validFrom ?? null, validTo: t.validTo ?? null })),
      // Kinds and schedules only: geometry is on the incident map, which is audited.
      zones: zones.map((z) => ({
        zoneId: z.zoneId,
        kind: z.kind,
        severity: z.severity ?? null,
        schedule: z.schedule ?? null,
        validFrom: z.validFrom ?? null,
        validTo: z.validTo ?? null,
      })),
      lastAlertAt: lastAlert[0]?.ts ?? null,
      lastLowBatteryAt: lastOf('LOW_BATTERY'),
      lastStrapTamperAt: lastOf('STRAP_TAMPER'),
      openIncidents: incidents.filter((i) => i.status !== 'closed'),
      recentIncidents: incidents.filter((i) => i.status === 'closed').slice(0, 20),
    };
  });

  app.get('/api/audit', async (req, reply) => {
    const p = req.principal!;
    if (p.role === 'operator') {
      return reply
        .code(403)
        .send({ error: 'forbidden', reason: 'the audit trail is for supervisors and auditors' });
    }
    const actions = [...ctx.store.state.incidents.values()]
      .flatMap((i) => i.actions.map((a) => ({ incidentId: i.incidentId, ...a })))
      .sort((a, b) => b.at - a.at)
      .slice(0, 500);
    return { actions, views: ctx.store.audit.slice(-500).reverse() };
  });

  app.get('/api/reports', async (req, reply) => {
    const p = req.principal!;
    if (p.role === 'operator') {
      return reply.code(403).send({ error: 'forbidden', reason: 'reports are for supervisors and auditors' });
    }
    const q = ReportQuery.safeParse(req.query);
    if (!q.success) {
      return reply
        .code(400)
        .send({ error: 'bad_request', reason: describeZodError(q.error), field: 'hours' });
    }
    const to = ctx.now();
    const from = to - q.data.hours * 3600_000;
    return { from, to, bySeverity: buildReport(ctx.store.state.incidents.values(), from, to) };
  });
}
