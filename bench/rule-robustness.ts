/**
 * `npx tsx bench/rule-robustness.ts [--only default,seed-2,...] [--subjects N]`
 *
 * Confirmation rule 1.0 ("single fix confirms") against rule 1.1 (corroborated) on the default
 * fleet and on robustness fleets: other seeds, 3× the outlier rate, doubled error correlation,
 * true error 1.3× what the accuracy reports, and the shallow-indoor stress fleet (every approach
 * trip an entry only 5-30 m deep, indoors). Each fleet is one simulator pass feeding both rules.
 * Results go to bench/results/rules.json (fleets not re-run are kept) and rules.md.
 * CPU-heavy: the default fleet (10,000 subjects × 24 h) takes a few minutes on one core.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../src/sim/sim-options.js';
import { type ComparisonResult, compareRules } from './rule-comparison.js';

export interface FleetDef {
  name: string;
  what: string;
  opts: (subjects: number) => SimOptions;
}

const base = (subjects: number): SimOptions => ({ ...DEFAULT_SIM_OPTIONS, subjects, durationH: 24 });

export const FLEETS: readonly FleetDef[] = [
  { name: 'default', what: 'seed 1, default noise', opts: (n) => base(n) },
  { name: 'seed-2', what: 'another seed', opts: (n) => ({ ...base(n), seed: 2 }) },
  { name: 'seed-3', what: 'another seed', opts: (n) => ({ ...base(n), seed: 3 }) },
  { name: 'outliers-3x', what: 'outlier rate 0.9% (3×)', opts: (n) => ({ ...base(n), outlierRate: 0.009 }) },
  {
    name: 'correlation-2x',
    what: 'GPS error correlation time 2×',
    opts: (n) => ({ ...base(n), errorCorrelationScale: 2 }),
  },
  {
    name: 'true-error-1.3x',
    what: 'true error 1.3× the reported accuracy',
    opts: (n) => ({ ...base(n), trueErrorScale: 1.3 }),
  },
  {
    name: 'shallow-indoor',
    what: 'stress: every subject makes one entry a day, 5-30 m deep, indoors',
    opts: (n) => ({ ...base(Math.round(n / 5)), approachShare: 1, shallowIndoorEntries: true }),
  },
];

const pct = (v: number) => (Number.isNaN(v) ? '-' : `${(v * 100).toFixed(1)}%`);
const s0 = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(0));

export function renderRules(results: readonly ComparisonResult[]): string {
  const lines = [
    '| fleet | rule | recall (all) | recall ≥ 60 s | ENTERED | false (on outlier fixes) | false per 100 ENTERED | delay p50 / p95 / max s | LEFT recall | LEFT false | LEFT delay p50 / p95 s |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    for (const rule of r.rules) {
      const e = rule.entered;
      const l = rule.left;
      lines.push(
        `| ${r.fleet} (${r.subjects.toLocaleString('en-GB')}) | ${rule.name} | ${pct(e.recall)} (${e.detected}/${e.episodes}) | ${pct(e.recallLong)} | ${e.alerts} | ${e.falseAlerts} (${e.falseFromOutliers}) | ${e.alerts ? ((100 * e.falseAlerts) / e.alerts).toFixed(1) : '-'} | ${s0(e.delayS.p50)} / ${s0(e.delayS.p95)} / ${s0(e.delayS.max)} | ${pct(l.recall)} (${l.detected}/${l.episodes}) | ${l.falseAlerts} | ${s0(l.delayS.p50)} / ${s0(l.delayS.p95)} |`,
      );
    }
  }
  return lines.join('\n');
}

export function renderStress(r: ComparisonResult): string {
  const lines = [
    '| rule | true entries | caught | delay p50 / p95 / max s | with an APPROACH first (its lead p50 s) | missed | missed with an APPROACH first |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const rule of r.rules) {
    const e = rule.entered;
    const a = rule.approachFirst;
    lines.push(
      `| ${rule.name} | ${e.episodes} | ${e.detected} (${pct(e.recall)}) | ${s0(e.delayS.p50)} / ${s0(e.delayS.p95)} / ${s0(e.delayS.max)} | ${a.withApproach} (${s0(rule.approachLeadS.p50)}) | ${a.missed} | ${a.missedWithApproach} |`,
    );
  }
  return lines.join('\n');
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const subjects = Number(arg('--subjects') ?? 10_000);
  const only = arg('--only')?.split(',');
  const outDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'rules.json');
  const kept: ComparisonResult[] = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { fleets: ComparisonResult[] }).fleets
    : [];
  for (const f of FLEETS) {
    if (only && !only.includes(f.name)) continue;
    const t0 = Date.now();
    process.stderr.write(`${f.name}: ${f.what}...\n`);
    const r = compareRules(f.name, f.opts(subjects), undefined, (s) => process.stderr.write(`${s}\n`));
    process.stderr.write(`${f.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    const i = kept.findIndex((k) => k.fleet === f.name);
    if (i >= 0) kept[i] = r;
    else kept.push(r);
    kept.sort(
      (a, b) => FLEETS.findIndex((x) => x.name === a.fleet) - FLEETS.findIndex((x) => x.name === b.fleet),
    );
    writeFileSync(
      file,
      `${JSON.stringify({ measuredAt: new Date().toISOString(), fleets: kept }, null, 2)}\n`,
    );
  }
  const stress = kept.find((k) => k.fleet === 'shallow-indoor');
  const md = [
    '# Confirmation rules side by side',
    '',
    'Generated by `npx tsx bench/rule-robustness.ts`; matching rules as in summary.md.',
    '',
    renderRules(kept.filter((k) => k.fleet !== 'shallow-indoor')),
    '',
    ...(stress
      ? ['## Shallow indoor entries (stress fleet)', '', renderRules([stress]), '', renderStress(stress), '']
      : []),
  ].join('\n');
  writeFileSync(join(outDir, 'rules.md'), md);
  process.stdout.write(`${md}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
