/** `fenceline simulate --profiles off|engine|kafka`, and the older `--device-profiles`. */
import { describe, expect, it } from 'vitest';
import { parseProfileSource } from '../../src/cli/simulate-command.js';

describe('parseProfileSource', () => {
  it('given no flag, then profiles are off (today’s tags)', () => {
    expect(parseProfileSource({})).toBe('off');
  });

  it('given --profiles, then its value', () => {
    expect(parseProfileSource({ profiles: 'kafka' })).toBe('kafka');
    expect(parseProfileSource({ profiles: 'engine' })).toBe('engine');
    expect(parseProfileSource({ profiles: 'off' })).toBe('off');
  });

  it('given --device-profiles, then engine (alone or with --profiles engine)', () => {
    expect(parseProfileSource({ 'device-profiles': true })).toBe('engine');
    expect(parseProfileSource({ 'device-profiles': true, profiles: 'engine' })).toBe('engine');
  });

  it('given an unknown source or a contradiction, then it fails naming the flag', () => {
    expect(() => parseProfileSource({ profiles: 'mqtt' })).toThrow(
      /^--profiles: expected off, engine or kafka/,
    );
    expect(() => parseProfileSource({ 'device-profiles': true, profiles: 'kafka' })).toThrow(
      /--device-profiles/,
    );
  });
});
