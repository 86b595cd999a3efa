import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderSchemas, SCHEMAS_DIR, stableOrder, staleSchemas } from '../../scripts/generate-schemas.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('generated JSON Schemas', () => {
  it('the committed files equal a fresh render (run `npm run schemas` if this fails)', () => {
    const rendered = renderSchemas();
    expect([...rendered.keys()].sort()).toEqual([
      'alert-action.schema.json',
      'alert.schema.json',
      'asyncapi.json',
      'console-audit.schema.json',
      'device-profile.schema.json',
      'enrolment.schema.json',
      'notification.schema.json',
      'ping.schema.json',
      'zone.schema.json',
    ]);
    for (const [file, text] of rendered) {
      expect(readFileSync(join(SCHEMAS_DIR, file), 'utf8'), file).toBe(text);
    }
  });

  it('render the same bytes twice, ending in one newline', () => {
    const a = renderSchemas();
    const b = renderSchemas();
    for (const [file, text] of a) {
      expect(text).toBe(b.get(file));
      expect(text.endsWith('}\n')).toBe(true);
    }
  });

  it('order keywords, keeping field order', () => {
    const ordered = stableOrder({
      type: 'object',
      required: ['b'],
      properties: { zeta: { maximum: 1, type: 'number' }, alpha: {} },
      description: 'd',
      $schema: 's',
    });
    expect(JSON.stringify(ordered)).toBe(
      '{"$schema":"s","description":"d","type":"object","properties":{"zeta":{"type":"number","maximum":1},"alpha":{}},"required":["b"]}',
    );
  });

  it('staleSchemas finds an edited or missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fenceline-schemas-'));
    try {
      cpSync(SCHEMAS_DIR, dir, { recursive: true });
      expect(staleSchemas(dir)).toEqual([]);
      writeFileSync(join(dir, 'ping.schema.json'), '{}\n');
      rmSync(join(dir, 'alert.schema.json'));
      const asyncapi = readFileSync(join(dir, 'asyncapi.json'), 'utf8');
      writeFileSync(join(dir, 'asyncapi.json'), asyncapi.replace('fenceline.alerts', 'fenceline.alarms'));
      expect(staleSchemas(dir).sort()).toEqual(['alert.schema.json', 'asyncapi.json', 'ping.schema.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--check exits 0 when fresh and 1 when stale', () => {
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, ['--import', 'tsx', 'scripts/generate-schemas.ts', ...args], {
          cwd: ROOT,
          stdio: 'pipe',
        });
        return 0;
      } catch (err) {
        return (err as { status: number }).status;
      }
    };
    expect(run(['--check'])).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'fenceline-schemas-'));
    try {
      expect(run(['--check', '--dir', dir])).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
