/**
 * The views that show where people are: an incident's map (zone geometry, evidence fixes, the
 * subject's recent track) and the subject view. The map is refused to auditors on the server, not
 * just hidden in the page, and every map served first writes a view-audit record to Kafka: if the
 * record cannot be written, the map is not shown.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { type DeviceStatus, deviceStatusOf, type Fix, trackOf } from '../centre/device-book.js';
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

/**
 * The subject's tags with their enrolment windows. Only current enrolments (the table is keyed by
 * tag): a tag re-issued to someone else shows the new wearer's pings under the new subject only,
 * and a subject's track is clipped to its enrolment, so nobody else's fixes are shown under it.
 */
function tagsOf(ctx: ConsoleContext, subjectId: string): Array<{ tagId: string; from: number; to: number }> {
  return ctx.store
    .tagsOf(subjectId)
    .map((e) => ({ tagId: e.tagId, from: e.validFrom ?? -Infinity, to: e.validTo ?? Infinity }))
    .sort((a, b) => (a.tagId < b.tagId ? -1 : 1));
}

/** Fixes from the tags' own pings, oldest first, merged over the subject's tags. */
function pingTrack(ctx: ConsoleContext, subjectId: string): Array<Fix & { tagId: string }> {
  return tagsOf(ctx, subjectId)
    .flatMap((t) =>
      trackOf(ctx.devices.book, t.tagId, t.from)
        .filter((f) => f.ts < t.to)
        .map((f) => ({ ...f, tagId: t.tagId })),
    )
    .sort((a, b) => a.ts - b.ts);
}

function deviceStatuses(ctx: ConsoleContext, subjectId: string): DeviceStatus[] {
  // A status last heard before this enrolment began was the previous wearer's.
  return tagsOf(ctx, subjectId)
    .map((t) => ({ t, d: deviceStatusOf(ctx.devices.book, t.tagId) }))
    .filter(
      (x): x is { t: (typeof x)['t']; d: DeviceStatus } => x.d !== undefined && x.d.lastSeenAt >= x.t.from,
    )
    .map((x) => x.d);
}

function refuseAuditor(reply: FastifyReply) {
  return reply.code(403).send({ error: 'forbidden', reason: 'auditors do not see zone geometry or tracks' });
}

export function registerViewRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get<{ Params: { id: string } }>('/api/incidents/:id/map', async (req, reply) => {
    const p = req.principal!;
    if (p.role === 'auditor') return refuseAuditor(reply);
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
    const pings = pingTrack(ctx, incident.subjectId);
    // One record per kind of data shown: a search for who saw a subject's track must find map
    // views too, not only those without a zone.
    const base = {
      user: p.user,
      role: p.role,
      at: ctx.now(),
      subjectId: incident.subjectId,
      incidentId: incident.incidentId,
    };
    const audits: ConsoleAudit[] = [];
    if (zone !== undefined) {
      audits.push({ auditId: randomUUID(), view: 'zone_geometry', ...base, zoneIds: [zone.zoneId] });
    }
    if (zone === undefined || track.length > 0 || pings.length > 0) {
      audits.push({ auditId: randomUUID(), view: 'track', ...base });
    }
    for (const audit of audits) await ctx.producer.sendAudit(audit);
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
      // The tags' own fixes (not only alert evidence): the recent walk, for telling a single
      // jumping fix from a real walk-in.
      pings,
      devicesCaughtUp: ctx.devices.caughtUp,
    };
  });

  app.get<{ Params: { id: string } }>('/api/subjects/:id/track', async (req, reply) => {
    const p = req.principal!;
    if (p.role === 'auditor') return refuseAuditor(reply);
    const subjectId = req.params.id;
    if (ctx.store.tagsOf(subjectId).length === 0)
      return reply.code(404).send({ error: 'not_found', reason: 'no such subject' });
    const audit: ConsoleAudit = {
      auditId: randomUUID(),
      view: 'track',
      user: p.user,
      role: p.role,
      at: ctx.now(),
      subjectId,
    };
    await ctx.producer.sendAudit(audit);
    return { subjectId, pings: pingTrack(ctx, subjectId), devicesCaughtUp: ctx.devices.caughtUp };
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
      // From the tags' own pings: no coordinate here (the subject view is open to auditors).
      devices: {
        caughtUp: ctx.devices.caughtUp,
        windowStart: ctx.devices.status().windowStart,
        tags: deviceStatuses(ctx, subjectId),
      },
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
