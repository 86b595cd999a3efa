/**
 * The notifier's routing file: which endpoints exist (name, URL, where their signing secrets
 * live) and which rules send which alerts to them. Validated once at start-up; a bad file stops
 * the notifier with a message naming the field (`endpoints[1].url: ...`), never a secret.
 *
 * This module is pure: it parses an already-read JSON value. Reading the file and resolving the
 * secrets from env or files is load-routing.ts.
 */
import { z } from 'zod';
import { AlertType, Severity } from '../contract/index.js';

/** Host names that may use plain http: the machine itself (a local test or relay). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

const EndpointUrl = z.string().transform((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
    return z.NEVER;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    ctx.addIssue({ code: 'custom', message: 'must use https (plain http only for loopback hosts)' });
    return z.NEVER;
  }
  // Credentials in a URL end up in proxies' and servers' logs; secrets go in `secrets`.
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({ code: 'custom', message: 'must not carry credentials' });
    return z.NEVER;
  }
  return url.toString();
});

/** Where one signing secret comes from: an environment variable or a file (e.g. a mounted secret). */
const SecretSource = z.union([
  z
    .object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') })
    .strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretSource = z.infer<typeof SecretSource>;

const Name = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1..128 of A-Z a-z 0-9 . _ -');

const EndpointSpec = z
  .object({
    name: Name,
    url: EndpointUrl,
    /** Several during key rotation: every attempt carries one signature per secret. */
    secrets: z.array(SecretSource).min(1, 'name at least one secret').max(5),
    /**
     * Attempts in flight at once to this endpoint (others wait in its own queue). By Little's law
     * it must exceed rate x mean attempt time: at 100 alerts/s with 1% of attempts hanging for
     * the 10 s timeout that is already ~10 slots, so the default leaves headroom.
     */
    maxInFlight: z.number().int().min(1).max(256).default(32),
  })
  .strict();

const Area = z
  .object({
    minLat: z.number().min(-90).max(90),
    maxLat: z.number().min(-90).max(90),
    minLon: z.number().min(-180).max(180),
    maxLon: z.number().min(-180).max(180),
  })
  .strict()
  .refine((a) => a.minLat <= a.maxLat && a.minLon <= a.maxLon, 'min must not exceed max');
export type Area = z.infer<typeof Area>;

/** Every present criterion must match; a list matches when it contains the alert's value. */
const Match = z
  .object({
    types: z.array(AlertType).min(1).optional(),
    severities: z.array(Severity).min(1).optional(),
    certainties: z
      .array(z.enum(['confirmed', 'possible']))
      .min(1)
      .optional(),
    subjects: z.array(z.string().min(1)).min(1).optional(),
    zones: z.array(z.string().min(1)).min(1).optional(),
    /** A force's area as a lat/lon box: matches when the offender's fix lies inside it. */
    area: Area.optional(),
  })
  .strict();
export type Match = z.infer<typeof Match>;

export const RULE_MODES = ['immediate', 'escalation'] as const;

const RuleSpec = z
  .object({
    name: Name,
    /** `immediate`: send as soon as the alert is committed. `escalation`: only when an operator escalates. */
    mode: z.enum(RULE_MODES),
    endpoints: z.array(Name).min(1),
    match: Match.default({}),
  })
  .strict();
export type Rule = z.infer<typeof RuleSpec>;

const Duration = z
  .number()
  .int()
  .min(0)
  .max(7 * 24 * 3_600_000);

/** Defaults from the issue: at once, 2 s, 10 s, 30 s, 1 min, 2 min, 5 min, then every 5 min for an hour. */
export const DEFAULT_RETRY = {
  delaysMs: [2_000, 10_000, 30_000, 60_000, 120_000, 300_000],
  repeatEveryMs: 300_000,
  repeatForMs: 3_600_000,
  jitter: 0.2,
  timeoutMs: 10_000,
  maxRetryAfterMs: 600_000,
} as const;

const RetrySpec = z
  .object({
    /** Waits before attempts 2, 3, ... (attempt 1 goes at once). */
    delaysMs: z
      .array(Duration)
      .max(100)
      .default([...DEFAULT_RETRY.delaysMs]),
    /** After delaysMs runs out: one more attempt every repeatEveryMs, for repeatForMs in total. */
    repeatEveryMs: Duration.min(1).default(DEFAULT_RETRY.repeatEveryMs),
    repeatForMs: Duration.default(DEFAULT_RETRY.repeatForMs),
    /** Each wait is scaled by a random factor in [1 - jitter, 1 + jitter]. */
    jitter: z.number().min(0).max(1).default(DEFAULT_RETRY.jitter),
    timeoutMs: z.number().int().min(100).max(120_000).default(DEFAULT_RETRY.timeoutMs),
    /** A Retry-After longer than this is capped (a hostile or broken endpoint cannot park a breach). */
    maxRetryAfterMs: Duration.default(DEFAULT_RETRY.maxRetryAfterMs),
  })
  .strict();
export type RetryPolicy = z.infer<typeof RetrySpec>;

export const RoutingFileSchema = z
  .object({
    /** The console's base URL; the body links to `<consoleBaseUrl>/incidents/<incidentId>`. */
    consoleBaseUrl: z.url({ protocol: /^https?$/ }),
    /** CloudEvents `source` of every event: who is speaking (the monitoring centre). */
    source: z.string().min(1).max(256).default('urn:fenceline:notify'),
    endpoints: z.array(EndpointSpec).min(1, 'name at least one endpoint'),
    rules: z.array(RuleSpec).min(1, 'name at least one rule'),
    retry: RetrySpec.default(RetrySpec.parse({})),
    /** Bodies above this are refused (never sent); ours are about 1 KiB. */
    maxBodyBytes: z.number().int().min(1024).max(1_048_576).default(65_536),
  })
  .strict()
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    file.endpoints.forEach((e, i) => {
      if (names.has(e.name))
        ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'name'], message: `duplicate name ${e.name}` });
      names.add(e.name);
    });
    file.rules.forEach((r, i) => {
      r.endpoints.forEach((name, j) => {
        if (!names.has(name))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'endpoints', j],
            message: `no endpoint is named ${name}`,
          });
      });
    });
  });
export type RoutingFile = z.infer<typeof RoutingFileSchema>;
export type EndpointSpec = RoutingFile['endpoints'][number];

/** `endpoints[1].url: must use https ...`: the path in the file's own terms, first. */
export function describeRoutingIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? String(p) : `${acc}.${String(p)}`),
        '',
      );
      return `${path === '' ? '(file)' : path}: ${issue.message}`;
    })
    .join('; ');
}

export type ParsedRouting = { ok: true; value: RoutingFile } | { ok: false; error: string };

export function parseRoutingFile(json: unknown): ParsedRouting {
  const parsed = RoutingFileSchema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: describeRoutingIssues(parsed.error) };
}
