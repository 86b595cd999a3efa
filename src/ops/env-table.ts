/**
 * The one way every Fenceline process reads its environment: a table of variables with defaults
 * (documented in the README from the same table), filled in, then validated by a zod schema. A
 * bad value stops start-up with a ConfigError naming every bad variable, what was expected and
 * what was given, except for secrets, whose values are never shown.
 */
import type { z } from 'zod';
import { ConfigError } from './config-error.js';

/**
 * A variable's default: a fixed text, none (null or undefined: the variable stays unset), or one computed from
 * the variables before it in the table (e.g. a topic named after another).
 */
export type EnvDefault<N extends string> =
  | string
  | null
  | undefined
  | ((earlier: Readonly<Record<N, string | undefined>>) => string);

export interface EnvVarDoc<N extends string = string> {
  readonly default: EnvDefault<N>;
  readonly meaning: string;
}

/** `env` with every variable of `table` that is unset or blank replaced by its default, in table order. */
export function envWithDefaults<N extends string>(
  table: Readonly<Record<N, { readonly default: EnvDefault<N> }>>,
  env: Record<string, string | undefined>,
): Record<N, string | undefined> {
  const out = {} as Record<N, string | undefined>;
  for (const name of Object.keys(table) as N[]) {
    const given = env[name];
    const fallback = table[name].default;
    out[name] =
      given !== undefined && given.trim() !== ''
        ? given
        : fallback === null || fallback === undefined
          ? undefined
          : typeof fallback === 'string'
            ? fallback
            : fallback(out);
  }
  return out;
}

/**
 * Validate filled-in variables. Throws ConfigError naming the first bad variable; its message has
 * one line per bad variable, so one restart fixes them all. Values of `secrets` are never shown.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  raw: Readonly<Record<string, string | undefined>>,
  secrets: readonly string[] = [],
): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems: { variable: string; text: string }[] = [];
  for (const issue of parsed.error.issues) {
    const variable = String(issue.path[0]);
    if (problems.some((p) => p.variable === variable)) continue;
    const shown = secrets.includes(variable) ? '' : `, got ${JSON.stringify(raw[variable])}`;
    problems.push({ variable, text: `${variable}: ${issue.message}${shown}` });
  }
  throw new ConfigError(problems[0]!.variable, problems.map((p) => p.text).join('; '));
}
