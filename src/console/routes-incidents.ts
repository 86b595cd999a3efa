/**
 * The queue, one incident, the event stream and acting on an incident.
 *
 * Acting: validate the body (400 naming the field), check the move against the current fold
 * (409/403 at once when it is already illegal), produce the action record, then wait until this
 * console's own consumer has folded it and answer with the fold's verdict. Two operators (or two
 * consoles) racing therefore get the topic's order: the first acknowledge wins, the second gets
 * 409 naming the owner.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { decide, openIncidents, type Verdict } from '../centre/index.js';
import {
  type AlertAction,
  AlertActionKind,
  AlertActionSchema,
  CloseOutcome,
  describeZodError,
} from '../contract/index.js';
import type { ConsoleContext } from './context.js';

const ActionBody = z.object({
  kind: AlertActionKind,
  note: z.string().max(4000).optional(),
  outcome: CloseOutcome.optional(),
});

const ListQuery = z.object({
  status: z.enum(['open', 'closed', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

function badRequest(reply: FastifyReply, error: z.ZodError) {
  const field = error.issues[0]?.path.join('.') || 'body';
  return reply.code(400).send({ error: 'bad_request', reason: describeZodError(error), field });
}

function refuse(reply: FastifyReply, verdict: Exclude<Verdict, { ok: true }>) {
  return reply
    .code(verdict.code === 'forbidden' ? 403 : 409)
    .send({ error: verdict.code, reason: verdict.reason });
}

export function registerIncidentRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/api/incidents', async (req, reply) => {
    const q = ListQuery.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error);
    const all =
      q.data.status === 'open'
        ? openIncidents(ctx.store.state)
        : [...ctx.store.state.incidents.values()]
            .filter((i) => q.data.status === 'all' || i.status === 'closed')
            .sort((a, b) => b.openedAt - a.openedAt);
    return { seq: ctx.store.state.seq, serverNow: ctx.now(), incidents: all.slice(0, q.data.limit) };
  });

  app.get<{ Params: { id: string } }>('/api/incidents/:id', async (req, reply) => {
    const incident = ctx.store.state.incidents.get(req.params.id);
    if (incident === undefined)
      return reply.code(404).send({ error: 'not_found', reason: 'no such incident' });
    return { serverNow: ctx.now(), incident };
  });

  app.post<{ Params: { id: string } }>('/api/incidents/:id/actions', async (req, reply) => {
    const p = req.principal!;
    const body = ActionBody.safeParse(req.body ?? {});
    if (!body.success) return badRequest(reply, body.error);
    const incident = ctx.store.state.incidents.get(req.params.id);
    if (incident === undefined)
      return reply.code(404).send({ error: 'not_found', reason: 'no such incident' });
    const candidate = {
      actionId: randomUUID(),
      incidentId: incident.incidentId,
      kind: body.data.kind,
      user: p.user,
      role: p.role,
      at: ctx.now(),
      ...(body.data.note !== undefined && body.data.note.trim() !== '' && { note: body.data.note }),
      ...(body.data.outcome !== undefined && { outcome: body.data.outcome }),
    };
    const action = AlertActionSchema.safeParse(candidate);
    if (!action.success) return badRequest(reply, action.error);
    const pre = decide({ status: incident.status, owner: incident.owner, type: incident.type }, action.data);
    if (!pre.ok) {
      ctx.metrics.actions.inc({ kind: action.data.kind, verdict: pre.code });
      return refuse(reply, { ok: false, code: pre.code, reason: pre.reason });
    }
    const verdict = await produceAndWait(ctx, action.data);
    ctx.metrics.actions.inc({ kind: action.data.kind, verdict: verdict.ok ? 'applied' : verdict.code });
    ctx.logger.info(
      {
        incidentId: incident.incidentId,
        kind: action.data.kind,
        user: p.user,
        actionId: action.data.actionId,
        ok: verdict.ok,
      },
      'action',
    );
    if (!verdict.ok) return refuse(reply, verdict);
    return { actionId: action.data.actionId, incident: ctx.store.state.incidents.get(incident.incidentId) };
  });

  app.get('/api/events', (req, reply) => {
    reply.hijack();
    const header = req.headers['last-event-id'];
    const fromQuery = (req.query as { lastEventId?: string }).lastEventId;
    ctx.hub.attach(reply.raw, typeof header === 'string' ? header : fromQuery, ctx.now());
  });
}

async function produceAndWait(ctx: ConsoleContext, action: AlertAction): Promise<Verdict> {
  const folded = ctx.store.verdictOf(action.actionId, ctx.config.actionTimeoutMs);
  folded.catch(() => undefined);
  await ctx.producer.sendAction(action);
  return folded;
}
