/**
 * Who is asking: a session cookie, or (only when configured, only from a trusted proxy address)
 * the proxy's user and role headers. Headers from anyone else are ignored.
 */
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { principalOf } from '../../src/console/principal.js';
import { SESSION_COOKIE, SessionStore } from '../../src/console/sessions.js';

const proxy = {
  trustedAddresses: ['10.0.0.5'],
  userHeader: 'x-forwarded-user',
  roleHeader: 'x-forwarded-role',
};
const req = (remoteAddress: string, headers: Record<string, string>, cookies: Record<string, string> = {}) =>
  ({ socket: { remoteAddress }, headers, cookies }) as unknown as FastifyRequest;

describe('principalOf', () => {
  const sessions = new SessionStore(60_000);
  const { token } = sessions.create('olga', 'operator', 0);
  const headers = { 'x-forwarded-user': 'sam', 'x-forwarded-role': 'supervisor' };

  it('a session cookie identifies its user', () => {
    expect(
      principalOf(req('127.0.0.1', {}, { [SESSION_COOKIE]: token }), sessions, undefined, 1),
    ).toMatchObject({
      user: 'olga',
      role: 'operator',
      via: 'session',
    });
  });
  it('proxy headers count only from a trusted address (IPv4-mapped too)', () => {
    expect(principalOf(req('10.0.0.5', headers), sessions, proxy, 1)).toMatchObject({
      user: 'sam',
      role: 'supervisor',
      via: 'proxy',
    });
    expect(principalOf(req('::ffff:10.0.0.5', headers), sessions, proxy, 1)).toMatchObject({ user: 'sam' });
    expect(principalOf(req('10.0.0.6', headers), sessions, proxy, 1)).toBeUndefined();
  });
  it('proxy headers are ignored when proxy trust is off, and a bad role is no principal', () => {
    expect(principalOf(req('10.0.0.5', headers), sessions, undefined, 1)).toBeUndefined();
    expect(
      principalOf(req('10.0.0.5', { ...headers, 'x-forwarded-role': 'root' }), sessions, proxy, 1),
    ).toBeUndefined();
  });
  it("a proxy user's CSRF token is stable per user and differs between users", () => {
    const a = principalOf(req('10.0.0.5', headers), sessions, proxy, 1)!;
    const b = principalOf(req('10.0.0.5', headers), sessions, proxy, 2)!;
    const c = principalOf(req('10.0.0.5', { ...headers, 'x-forwarded-user': 'ada' }), sessions, proxy, 2)!;
    expect(a.csrf).toBe(b.csrf);
    expect(a.csrf).not.toBe(c.csrf);
  });
});
