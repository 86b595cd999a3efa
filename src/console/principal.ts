/**
 * Who is asking: from the session cookie, or (optional, off by default) from an authenticating
 * reverse proxy's user and role headers, trusted only when the TCP peer is a configured proxy
 * address. A proxy user has no server session, so its CSRF token is derived (HMAC of the user
 * under a per-process secret) and handed out by /api/me like a session's.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { type ConsoleRole, ConsoleRole as RoleSchema } from '../contract/index.js';
import type { ConsoleConfig } from './config.js';
import { SESSION_COOKIE, type SessionStore } from './sessions.js';
import { USER_NAME } from './users-file.js';

export interface Principal {
  user: string;
  role: ConsoleRole;
  csrf: string;
  via: 'session' | 'proxy';
}

const PROXY_SECRET = randomBytes(32);

function peer(req: FastifyRequest): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

export function principalOf(
  req: FastifyRequest,
  sessions: SessionStore,
  proxy: ConsoleConfig['proxy'],
  now: number,
): Principal | undefined {
  if (proxy?.trustedAddresses.includes(peer(req))) {
    const user = req.headers[proxy.userHeader];
    const role = RoleSchema.safeParse(req.headers[proxy.roleHeader]);
    if (typeof user === 'string' && USER_NAME.test(user) && role.success) {
      const csrf = createHmac('sha256', PROXY_SECRET).update(`csrf:${user}`).digest('base64url');
      return { user, role: role.data, csrf, via: 'proxy' };
    }
  }
  const session = sessions.get(req.cookies[SESSION_COOKIE], now);
  return session && { user: session.user, role: session.role, csrf: session.csrf, via: 'session' };
}
