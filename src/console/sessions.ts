/**
 * Server-side sessions: the cookie holds only a random token; user, role and the session's CSRF
 * token live here. Idle sessions expire. In memory: a restart logs everyone out, which for a
 * monitoring centre's handful of operators is a fair price for keeping no session secrets on disk.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleRole } from '../contract/index.js';

export interface Session {
  readonly user: string;
  readonly role: ConsoleRole;
  /** Synchronizer token: every state-changing request must echo it in the x-csrf-token header. */
  readonly csrf: string;
  expiresAt: number;
}

export const SESSION_COOKIE = 'fl_session';

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  constructor(private readonly idleMs: number) {}

  create(user: string, role: ConsoleRole, now: number): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const session: Session = {
      user,
      role,
      csrf: randomBytes(24).toString('base64url'),
      expiresAt: now + this.idleMs,
    };
    this.sessions.set(token, session);
    return { token, session };
  }

  /** The live session for a token, its idle timer renewed; undefined when unknown or expired. */
  get(token: string | undefined, now: number): Session | undefined {
    if (token === undefined) return undefined;
    const s = this.sessions.get(token);
    if (s === undefined) return undefined;
    if (s.expiresAt <= now) {
      this.sessions.delete(token);
      return undefined;
    }
    s.expiresAt = now + this.idleMs;
    return s;
  }

  delete(token: string | undefined): void {
    if (token !== undefined) this.sessions.delete(token);
  }

  sweep(now: number): void {
    for (const [token, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(token);
  }
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
