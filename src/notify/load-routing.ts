/**
 * Read the routing file and resolve every endpoint's signing secrets (from env or a file).
 * Errors name the field (`endpoints[0].secrets[1].env: variable MET_SECRET is not set`) and never
 * contain a secret; a RoutingError stops start-up with exit 2.
 */
import { readFileSync } from 'node:fs';
import { type EndpointSpec, parseRoutingFile, type RoutingFile } from './routing-config.js';
import { decodeSecret, SecretFormatError } from './signature.js';

export class RoutingError extends Error {
  override readonly name = 'RoutingError';
}

export interface ResolvedEndpoint extends EndpointSpec {
  /** HMAC keys, decoded once. Never logged. */
  readonly keys: readonly Buffer[];
}

export interface ResolvedRouting extends Omit<RoutingFile, 'endpoints'> {
  readonly endpoints: readonly ResolvedEndpoint[];
}

function readSecret(
  source: EndpointSpec['secrets'][number],
  env: Record<string, string | undefined>,
  path: string,
): Buffer {
  let text: string;
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined || value.trim() === '')
      throw new RoutingError(`${path}.env: variable ${source.env} is not set`);
    text = value.trim();
  } else {
    try {
      text = readFileSync(source.file, 'utf8').trim();
    } catch (err) {
      throw new RoutingError(`${path}.file: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  try {
    return decodeSecret(text);
  } catch (err) {
    if (err instanceof SecretFormatError) throw new RoutingError(`${path}: secret ${err.message}`);
    throw err;
  }
}

export function resolveRouting(json: unknown, env: Record<string, string | undefined>): ResolvedRouting {
  const parsed = parseRoutingFile(json);
  if (!parsed.ok) throw new RoutingError(parsed.error);
  const endpoints = parsed.value.endpoints.map((e, i) => ({
    ...e,
    keys: e.secrets.map((s, j) => readSecret(s, env, `endpoints[${i}].secrets[${j}]`)),
  }));
  return { ...parsed.value, endpoints };
}

export function loadRoutingFile(path: string, env: Record<string, string | undefined>): ResolvedRouting {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RoutingError(`cannot read routing file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RoutingError('routing file is not valid JSON');
  }
  return resolveRouting(json, env);
}
