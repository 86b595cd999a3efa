/** `fenceline profiles` configuration: defaults, a bad value names the variable, the secret is never echoed. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/ops/config.js';
import { loadProfilesConfig } from '../../src/ops/profiles-config.js';

const SECRET = 'a-very-long-server-side-secret-0123456789';

describe('loadProfilesConfig', () => {
  it('given only the secret, then the defaults apply', () => {
    const c = loadProfilesConfig({ PROFILE_SECRET: SECRET });
    expect(c.topics.deviceConfig).toBe('fenceline.device-config');
    expect(c.offsetRadiusM).toBe(500);
    expect(c.fixIntervalS).toBe(15);
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092']);
    // Its /metrics, /healthz, /readyz listen on loopback unless told otherwise.
    expect(c.http).toEqual({ host: '127.0.0.1', port: 9466 });
  });

  it('given a bad HTTP port, then the error names PROFILES_HTTP_PORT', () => {
    expect(() => loadProfilesConfig({ PROFILE_SECRET: SECRET, PROFILES_HTTP_PORT: '70000' })).toThrow(
      /^PROFILES_HTTP_PORT: /,
    );
    expect(loadProfilesConfig({ PROFILE_SECRET: SECRET, PROFILES_HTTP_HOST: '0.0.0.0' }).http.host).toBe(
      '0.0.0.0',
    );
  });

  it('given no secret or a short one, then it fails naming PROFILE_SECRET without showing the value', () => {
    expect(() => loadProfilesConfig({})).toThrow(/^PROFILE_SECRET: /);
    try {
      loadProfilesConfig({ PROFILE_SECRET: 'short-secret-xyz' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('PROFILE_SECRET');
      expect((err as Error).message).not.toContain('short-secret-xyz');
    }
  });

  it('given a bad value, then the error names the variable and the value', () => {
    expect(() => loadProfilesConfig({ PROFILE_SECRET: SECRET, PROFILE_FIX_INTERVAL_S: 'often' })).toThrow(
      /PROFILE_FIX_INTERVAL_S: expected an integer 1..3600, got "often"/,
    );
    expect(() =>
      loadProfilesConfig({ PROFILE_SECRET: SECRET, TOPIC_DEVICE_CONFIG: 'fenceline.zones' }),
    ).toThrow(/TOPIC_DEVICE_CONFIG/);
  });
});
