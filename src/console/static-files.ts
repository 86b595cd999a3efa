/**
 * The front end: plain HTML, CSS and native ES modules in web/console/, read into memory once at
 * start (a dozen small files) and served with their content type. No bundler: a change to a page
 * is a change to one file. The directory is found by walking up from this module, so the same
 * code serves from src/ (tsx, tests) and dist/src/ (built).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

export function findWebDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'web', 'console');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('web/console not found next to the package');
}

export function loadStaticFiles(dir = findWebDir()): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const ext = name.slice(name.lastIndexOf('.'));
    const type = TYPES[ext];
    if (type !== undefined) files.set(name, { body: readFileSync(join(dir, name)), type });
  }
  return files;
}
