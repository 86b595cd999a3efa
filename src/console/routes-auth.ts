/**
 * Login, logout and "who am I". Login takes JSON only: a cross-site form cannot send
 * application/json without a CORS preflight we never grant, which is what protects the login
 * itself from CSRF. Failed logins are rate-limited per address and per user name.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { describeZodError } from '../contract/index.js';
import type { ConsoleContext } from './context.js';
import { SESSION_COOKIE } from './sessions.js';
import { readUsers, verifyUser } from './users-file.js';

const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export function registerAuthRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.post('/api/login', async (req, reply) => {
    const parsed = LoginBody.safeParse(req.body);
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? 'body');
      return reply.code(400).send({ error: 'bad_request', reason: describeZodError(parsed.error), field });
    }
    const { username, password } = parsed.data;
    const now = ctx.now();
    const keys = [`ip:${req.ip}`, `user:${username}`];
    const wait = ctx.limiter.retryAfterMs(keys, now);
    if (wait > 0) {
      ctx.logger.warn({ ip: req.ip }, 'login rate-limited');
      return reply
        .code(429)
        .header('retry-after', String(Math.ceil(wait / 1000)))
        .send({ error: 'rate_limited', reason: 'too many failed logins; try again later' });
    }
    const user = await verifyUser(await readUsers(ctx.config.usersFile), username, password);
    if (user === undefined) {
      ctx.limiter.fail(keys, now);
      ctx.logger.info({ ip: req.ip }, 'login failed');
      return reply.code(401).send({ error: 'bad_credentials', reason: 'wrong user name or password' });
    }
    const { token, session } = ctx.sessions.create(user.name, user.role, now);
    ctx.logger.info({ user: user.name, role: user.role }, 'login');
    return reply
      .setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.config.http.tls !== undefined,
      })
      .send({ user: session.user, role: session.role, csrf: session.csrf });
  });

  app.post('/api/logout', async (req, reply) => {
    ctx.sessions.delete(req.cookies[SESSION_COOKIE]);
    return reply.clearCookie(SESSION_COOKIE, { path: '/' }).send({ ok: true });
  });

  app.get('/api/me', async (req) => {
    const p = req.principal!;
    return {
      user: p.user,
      role: p.role,
      csrf: p.csrf,
      tileUrl: ctx.config.tileUrl ?? null,
      ackTargetsS: ctx.config.ackTargetsS,
      serverNow: ctx.now(),
    };
  });
}
