/**
 * Pages and assets. Every page is the same small shell (app.html) whose modules route on the
 * path; the login page is separate because it is the only one served without a session.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ConsoleContext } from './context.js';

export function registerPageRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const send = (reply: FastifyReply, name: string) => {
    const file = ctx.files.get(name);
    if (file === undefined) return reply.code(404).send({ error: 'not_found', reason: 'no such file' });
    return reply.type(file.type).send(file.body);
  };
  app.get('/login', (_req, reply) => send(reply, 'login.html'));
  app.get('/', (_req, reply) => send(reply, 'app.html'));
  app.get('/incidents/:id', (_req, reply) => send(reply, 'app.html'));
  app.get('/subjects/:id', (_req, reply) => send(reply, 'app.html'));
  app.get('/audit', (_req, reply) => send(reply, 'app.html'));
  app.get<{ Params: { name: string } }>('/static/:name', (req, reply) => {
    if (req.params.name.endsWith('.html'))
      return reply.code(404).send({ error: 'not_found', reason: 'no such file' });
    return send(reply, req.params.name);
  });
}
