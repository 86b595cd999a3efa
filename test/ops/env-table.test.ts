/**
 * Given a table of variables and an environment, when a process reads its configuration, then
 * defaults fill the gaps (computed ones from earlier variables) and a bad value stops start-up
 * naming every bad variable, never showing a secret.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/ops/config-error.js';
import { envWithDefaults, parseEnv } from '../../src/ops/env-table.js';

const TABLE = {
  TOPIC: { default: 'alerts', meaning: '' },
  TOPIC_COPY: { default: (r: Record<string, string | undefined>) => `${r.TOPIC}.copy`, meaning: '' },
  SECRET: { default: undefined, meaning: '' },
  PORT: { default: '9464', meaning: '' },
};
const Schema = z.object({
  TOPIC: z.string(),
  TOPIC_COPY: z.string(),
  SECRET: z.string().min(8),
  PORT: z.coerce.number().int().max(65_535),
});

describe('envWithDefaults', () => {
  it('fills unset and blank variables, computing a default from the ones before it', () => {
    expect(envWithDefaults(TABLE, { TOPIC: 'x', PORT: '  ' })).toEqual({
      TOPIC: 'x',
      TOPIC_COPY: 'x.copy',
      SECRET: undefined,
      PORT: '9464',
    });
  });
});

describe('parseEnv', () => {
  it('returns the parsed values when every variable is good', () => {
    const raw = envWithDefaults(TABLE, { SECRET: 'long enough' });
    expect(parseEnv(Schema, raw, ['SECRET']).PORT).toBe(9464);
  });

  it('names every bad variable once, the first as the ConfigError variable, and hides secrets', () => {
    const raw = envWithDefaults(TABLE, { SECRET: 'hunter2', PORT: '99999' });
    let err: unknown;
    try {
      parseEnv(Schema, raw, ['SECRET']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect((err as ConfigError).variable).toBe('SECRET');
    expect(message).toMatch(/^SECRET: .*; PORT: .*got "99999"$/);
    expect(message).not.toContain('hunter2');
  });
});
