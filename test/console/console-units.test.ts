/**
 * The console's small pieces: configuration errors name the variable, the users file round-trips
 * with scrypt, the login limiter blocks after the limit and forgives after the window, CSRF
 * comparison, sessions expire when idle.
 */
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConsoleConfig } from '../../src/console/config.js';
import { LoginLimiter } from '../../src/console/login-limiter.js';
import { csrfMatches, SessionStore } from '../../src/console/sessions.js';
import { hashPassword, readUsers, verifyUser, writeUsers } from '../../src/console/users-file.js';
import { ConfigError } from '../../src/ops/config.js';

describe('console config', () => {
  it('defaults: loopback, the centre topics, ack targets 60/300/3600 s, proxy trust off', () => {
    const c = loadConsoleConfig({});
    expect(c.http.host).toBe('127.0.0.1');
    expect(c.topics.alertActions).toBe('fenceline.alert-actions');
    expect(c.topics.consoleAudit).toBe('fenceline.console-audit');
    expect(c.ackTargetsS).toEqual({ P1: 60, P2: 300, P3: 3600 });
    expect(c.proxy).toBeUndefined();
    expect(c.tileUrl).toBeUndefined();
    expect(c.devices).toEqual({ topic: 'fenceline.pings', windowS: 3600, fixesPerTag: 120, maxTags: 20_000 });
  });
  it('the ping window, track length and tag count are configurable; a window of 0 reads only new pings', () => {
    const c = loadConsoleConfig({
      TOPIC_PINGS: 'site.pings',
      CONSOLE_DEVICE_WINDOW_S: '0',
      CONSOLE_TRACK_FIXES: '30',
      CONSOLE_DEVICE_MAX_TAGS: '500',
    });
    expect(c.devices).toEqual({ topic: 'site.pings', windowS: 0, fixesPerTag: 30, maxTags: 500 });
  });
  it.each([
    ['CONSOLE_DEVICE_WINDOW_S', '-1'],
    ['CONSOLE_TRACK_FIXES', '0'],
    ['CONSOLE_DEVICE_MAX_TAGS', 'many'],
    ['TOPIC_PINGS', 'bad topic'],
    ['CONSOLE_PORT', 'eighty'],
    ['ACK_TARGET_P1_S', '0'],
    ['CONSOLE_TILE_URL', 'ftp://tiles/x'],
    ['TOPIC_ALERT_ACTIONS', 'bad topic'],
    ['CONSOLE_TLS_KEY', ''],
  ])('a bad %s stops start-up naming it', (variable, value) => {
    const env: Record<string, string> = { [variable]: value };
    if (variable === 'CONSOLE_TLS_KEY') env.CONSOLE_TLS_CERT = '/tmp/cert.pem';
    try {
      loadConsoleConfig(env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe(variable);
      expect((err as Error).message).toContain(variable);
    }
  });
  it('trusted proxies turn proxy auth on with lower-cased header names', () => {
    const c = loadConsoleConfig({
      CONSOLE_TRUSTED_PROXIES: '10.0.0.5, 10.0.0.6',
      CONSOLE_PROXY_USER_HEADER: 'X-Auth-User',
    });
    expect(c.proxy).toEqual({
      trustedAddresses: ['10.0.0.5', '10.0.0.6'],
      userHeader: 'x-auth-user',
      roleHeader: 'x-forwarded-role',
    });
  });
});

describe('users file', () => {
  it('stores scrypt hashes (never the password), mode 0600, and verifies only the right password', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'users-')), 'users.json');
    await writeUsers(file, [await hashPassword('olga', 'operator', 'a long password')]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('a long password');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const users = await readUsers(file);
    expect(await verifyUser(users, 'olga', 'a long password')).toMatchObject({
      name: 'olga',
      role: 'operator',
    });
    expect(await verifyUser(users, 'olga', 'a long passworD')).toBeUndefined();
    expect(await verifyUser(users, 'nobody', 'a long password')).toBeUndefined();
  });
  it('a missing file is no users; a malformed one names the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'users-'));
    expect(await readUsers(join(dir, 'none.json'))).toEqual([]);
    const bad = join(dir, 'bad.json');
    await writeUsers(bad, [{ name: 'x', role: 'boss' } as never]);
    await expect(readUsers(bad)).rejects.toThrow(/users\.0\.role/);
  });
});

describe('login limiter', () => {
  it('blocks a key after maxFailures within the window, until the window ends', () => {
    const l = new LoginLimiter(3, 60_000);
    const keys = ['ip:1', 'user:olga'];
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterMs(keys, 1000)).toBe(0);
      l.fail(keys, 1000);
    }
    expect(l.retryAfterMs(keys, 2000)).toBe(59_000);
    expect(l.retryAfterMs(['ip:2', 'user:olga'], 2000)).toBe(59_000); // another address, same user
    expect(l.retryAfterMs(keys, 61_000)).toBe(0);
  });
});

describe('sessions and CSRF', () => {
  it('a session lives while used and ends after the idle time', () => {
    const s = new SessionStore(1000);
    const { token, session } = s.create('olga', 'operator', 0);
    expect(s.get(token, 900)).toBe(session);
    expect(s.get(token, 1800)).toBe(session); // renewed at 900
    expect(s.get(token, 2801)).toBeUndefined();
    expect(s.get(undefined, 0)).toBeUndefined();
  });
  it('CSRF tokens compare exactly', () => {
    expect(csrfMatches('abc', 'abc')).toBe(true);
    expect(csrfMatches('abc', 'abd')).toBe(false);
    expect(csrfMatches('abc', undefined)).toBe(false);
    expect(csrfMatches('abc', ['abc'])).toBe(false);
  });
});
