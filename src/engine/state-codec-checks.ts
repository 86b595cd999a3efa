/**
 * Shape checks shared by the tag-state decoders (state-codec.ts, compact-state-codec.ts): each
 * returns the value with its type narrowed or throws a StateCodecError naming the field.
 */
export class StateCodecError extends Error {
  constructor(path: string, expected: string) {
    super(`tag state: ${path} must be ${expected}`);
    this.name = 'StateCodecError';
  }
}

export function bad(path: string, expected: string): never {
  throw new StateCodecError(path, expected);
}

export function obj(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(path, 'an object');
  return v as Record<string, unknown>;
}

export function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) bad(path, 'an array');
  return v;
}

export function str(v: unknown, path: string): string {
  return typeof v === 'string' ? v : bad(path, 'a string');
}

export function num(v: unknown, path: string): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : bad(path, 'a finite number');
}

export function numOrNull(v: unknown, path: string): number | null {
  return v === null ? null : num(v, path);
}

export function bool(v: unknown, path: string): boolean {
  return typeof v === 'boolean' ? v : bad(path, 'a boolean');
}
