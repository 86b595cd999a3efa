/** The Markdown summary of a bench run: tables, the goals with pass/miss, and the matching rules. */
import { renderClosedLoop } from './closed-loop.js';
import { coreMarkdown } from './core.bench.js';
import type { DetectionScore } from './match-truth.js';
import { DEFAULT_MATCH_RULES } from './match-truth.js';
import type { BenchResults } from './run-bench.js';
import { fmt } from './svg-chart.js';

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a');
const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');

function scoreRow(name: string, s: DetectionScore): string {
  return `| ${name} | ${s.episodes} | ${s.detected} | ${pct(s.recall)} | ${pct(s.recallLong)} | ${s.alerts} | ${s.falseAlerts} (${s.falseFromOutliers} on outlier fixes) | ${s.falsePerSubjectDay.toFixed(4)} | ${fmt(s.delayS.p50)} / ${fmt(s.delayS.p95)} | ${fmt(s.delayUploadS.p50)} / ${fmt(s.delayUploadS.p95)} |`;
}

export function renderSummary(r: BenchResults): string {
  const head: string[] = [
    `# Fenceline benchmarks${r.quick ? ' (quick)' : ''}`,
    '',
    `Measured ${Object.entries(r.measuredAt ?? {})
      .map(([part, at]) => `${part} ${at}`)
      .join(
        ', ',
      )} on Node ${r.machine.node}, ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.memGiB} GiB. Seeded: the same command gives the same inputs.`,
    '',
  ];
  const out: string[] = [];
  const goals: string[] = [];
  if (r.throughput) {
    const t = r.throughput;
    out.push(
      '## End-to-end throughput (real broker, one in-process worker)',
      '',
      `${t.pings.toLocaleString('en-GB')} pings from ${t.subjects.toLocaleString('en-GB')} simulated subjects pre-loaded into a 12-partition topic (published at ${fmt(t.publishPerS)}/s), then consumed to the end by a fresh group each time, timed from the first batch to the last record.`,
      '',
      '| consumer | pings/s | vs bare | start-up s |',
      '|---|---:|---:|---:|',
      `| bare kafkajs, eachBatch no-op | ${fmt(t.bare.perS)} | 1 | ${t.bare.startupS.toFixed(2)} |`,
      `| bare + decodePing (byte reader; zod only for what it refuses) | ${fmt(t.bareDecode.perS)} | ${(t.bareDecode.perS / t.bare.perS).toFixed(3)} | ${t.bareDecode.startupS.toFixed(2)} |`,
      `| worker, exactly-once | ${fmt(t.exactlyOnce.perS)} | ${t.eosVsBare} | ${t.exactlyOnce.startupS.toFixed(2)} |`,
      `| worker, at-least-once | ${fmt(t.atLeastOnce.perS)} | ${t.alosVsBare} | ${t.atLeastOnce.startupS.toFixed(2)} |`,
      '',
      '![throughput](throughput.svg)',
      '',
    );
    goals.push(`| exactly-once >= 0.8 x bare consume | ${t.eosVsBare} | ${mark(t.eosVsBare >= 0.8)} |`);
    goals.push(
      `| exactly-once ~100k pings/s | ${fmt(t.exactlyOnce.perS)} | ${mark(t.exactlyOnce.perS >= 100_000)} |`,
    );
  }
  if (r.latency) {
    // Results saved before warm-ups existed have no warm-up fields.
    const warmup = (l: (typeof r.latency)[number]) =>
      l.warmupAppendToAppendMs
        ? `${l.warmupS} s: ${l.warmupAppendToAppendMs.n}, ${fmt(l.warmupAppendToAppendMs.p99)} / ${fmt(l.warmupAppendToAppendMs.max)}`
        : '-';
    out.push(
      '## Latency at fixed offered rates (exactly-once)',
      '',
      'Pings and alerts topics use `message.timestamp.type=LogAppendTime`: append -> append is broker time to broker time. "Visible" is when a read_committed consumer received the alert; "worker" is the worker\'s own append -> commit sample. Each rate publishes for a warm-up first (the worker joins its group and opens its transactions; a broker the bench just started is cold); alerts for pings of the warm-up have their own column, not in the others. The worker runs on the bench\'s thread, next to the simulator, publisher and side consumers, unless `--worker-process` gave it a process of its own (the first column says which); the last column is the event-loop delay of the bench\'s process over the measured span.',
      '',
      '| worker | offered/s | achieved/s | pings | alerts measured | append->append p50 / p95 / p99 / max ms | append->visible p50 / p99 ms | worker append->commit p50 / p99 ms | drain s | warm-up s: alerts, append->append p99 / max ms | bench event-loop delay p99 / max ms |',
      '|---|---:|---:|---:|---:|---|---|---|---:|---|---|',
    );
    for (const l of r.latency) {
      const a = l.appendToAppendMs;
      out.push(
        `| ${l.worker ?? 'in-process'} | ${fmt(l.offeredRate)} | ${fmt(l.achievedRate)} | ${l.pings} | ${l.matched} | ${fmt(a.p50)} / ${fmt(a.p95)} / ${fmt(a.p99)} / ${fmt(a.max)} | ${fmt(l.appendToVisibleMs.p50)} / ${fmt(l.appendToVisibleMs.p99)} | ${fmt(l.workerAppendToCommitMs.p50)} / ${fmt(l.workerAppendToCommitMs.p99)} | ${l.drainS} | ${warmup(l)} | ${l.eventLoopDelayMs ? `${l.eventLoopDelayMs.p99} / ${l.eventLoopDelayMs.max}` : '-'} |`,
      );
    }
    out.push('', '![latency](latency.svg)', '');
    const at5k = r.latency.find((l) => l.offeredRate === 5_000);
    if (at5k)
      goals.push(
        `| p99 append->alert <= 50 ms at 5k pings/s | ${fmt(at5k.appendToAppendMs.p99)} ms | ${mark(at5k.appendToAppendMs.p99 <= 50)} |`,
      );
  }
  if (r.quality) {
    const q = r.quality;
    const per100 = (d: DetectionScore) =>
      d.alerts === 0 ? '-' : ((100 * d.falseAlerts) / d.alerts).toFixed(1);
    const rules = DEFAULT_MATCH_RULES;
    out.push(
      '## Detection quality against ground truth',
      '',
      `${q.subjects.toLocaleString('en-GB')} subjects, ${q.durationH} h, approach share ${q.approachShare}: ${q.pings.toLocaleString('en-GB')} pings (${q.fixes.toLocaleString('en-GB')} fixes). Fenceline = the pure engine (applyPing) over the simulated stream in upload order with default config; this is what the worker computes with exactly-once on (each ping applied once, per tag in order). Engine time: ${q.engineWallS.toFixed(1)} s (${fmt(q.pings / q.engineWallS)} pings/s).`,
      '',
      '| detector | true episodes | detected | recall | recall (>= 60 s) | ENTERED alerts | false alerts | false / subject-day | delay p50 / p95 s (event time) | delay p50 / p95 s (incl. upload) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
      scoreRow('Fenceline (defaults, rule 1.1 corroborated)', q.fenceline),
      ...(q.singleFix ? [scoreRow('Fenceline, rule 1.0 single fix confirms', q.singleFix)] : []),
      scoreRow('naive on-entry', q.naiveOnEntry),
      scoreRow('naive every-fix', q.naiveEveryFix),
      scoreRow('curfew: Fenceline INCLUSION_LEFT', q.curfew),
      ...(q.singleFixCurfew ? [scoreRow('curfew: rule 1.0 INCLUSION_LEFT', q.singleFixCurfew)] : []),
      '',
      ...(q.singleFix
        ? [
            `False ENTERED per 100 ENTERED: rule 1.1 ${per100(q.fenceline)}, rule 1.0 ${per100(q.singleFix)}; false on outlier fixes: ${q.fenceline.falseFromOutliers} vs ${q.singleFix.falseFromOutliers}. Robustness fleets: bench/results/rules.md (\`npx tsx bench/rule-robustness.ts\`).`,
            '',
          ]
        : []),
      `Alerts by type (Fenceline): ${Object.entries(q.alertsByType)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}. Ground truth: ${Object.entries(q.truthCounts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
      '',
      '**Matching rules.** A true episode is an interval the TRUE position spent inside an exclusion zone (exact segment/boundary crossings of the simulated path); episodes of one tag and zone less than ' +
        `${rules.mergeGapMs / 1000} s apart are merged. An EXCLUSION_ENTERED alert for that tag and zone is a true detection when its ts lies in [entry - ${rules.earlyToleranceMs / 1000} s, exit + ${rules.lateWindowMs / 1000} s]; every other ENTERED alert is false. An episode is detected when at least one alert matches it; delay = earliest matching alert ts - true entry (event time), or the upload time of its triggering fix - true entry. Episodes starting in the last ${rules.censorMs / 60_000} minutes are censored (their fixes may not be uploaded yet). The naive baselines judge each fix's reported position alone (same geometry code): every-fix alerts on every fix inside, on-entry when a fix is inside and the previous one was not. Curfew breaches (true position outside the curfew zone during 19:00-07:00 Europe/London) are scored the same way against INCLUSION_LEFT.`,
      '',
      '![quality](quality.svg)',
      '',
    );
    const f = q.fenceline;
    goals.push(
      `| recall of true entries 100% (default noise) | ${pct(f.recall)} (${f.detected}/${f.episodes}) | ${mark(f.recall >= 1)} |`,
    );
    goals.push(
      `| same, entries lasting >= 60 s | ${pct(f.recallLong)} (of ${f.episodesLong}) | ${mark(f.recallLong >= 1)} |`,
    );
    const ratioEvery =
      f.falseAlerts === 0 ? Number.POSITIVE_INFINITY : q.naiveEveryFix.falseAlerts / f.falseAlerts;
    const ratioEntry =
      f.falseAlerts === 0 ? Number.POSITIVE_INFINITY : q.naiveOnEntry.falseAlerts / f.falseAlerts;
    goals.push(
      `| false alerts >= 10x fewer than naive (every-fix) | ${f.falseAlerts} vs ${q.naiveEveryFix.falseAlerts} (${fmt(ratioEvery)}x) | ${mark(ratioEvery >= 10)} |`,
    );
    goals.push(
      `| same, vs naive on-entry | ${f.falseAlerts} vs ${q.naiveOnEntry.falseAlerts} (${fmt(ratioEntry)}x) | ${mark(ratioEntry >= 10)} |`,
    );
  }
  if (r.core) {
    out.push(
      '## Decision core, one core (bench/core.bench.ts)',
      '',
      'applyPing per fix (enrolment, candidate zones from the index, signed distance, state machine), 2 exclusion zones per subject spread over Great Britain, up to 10k active tags; per-fix time measured over groups of 64 fixes. "decode+engine" adds decodePing of the raw bytes (the byte reader; JSON.parse and zod only for what it refuses). Heap per zone is the compiled zone, the index and the enrolments (the source Zone is dropped after compiling, as the worker does).',
      '',
      coreMarkdown(r.core),
      '',
      '![core](core.svg)',
      '',
    );
  }
  if (r.closedLoop) {
    out.push(
      '## Closed loop: device profiles off vs on (bench/closed-loop.ts)',
      '',
      renderClosedLoop(r.closedLoop),
      '',
    );
    const on = r.closedLoop.on.entered.delayUploadS.p95;
    goals.push(
      `| true entry → alert incl. upload p95 <= 60 s, < 10% more pings | ${on.toFixed(0)} s, ${(r.closedLoop.extraPingShare * 100).toFixed(1)}% more pings | ${mark(on <= 60 && r.closedLoop.extraPingShare < 0.1)} |`,
    );
  }
  if (goals.length > 0) head.push('## Goals', '', '| goal | measured | |', '|---|---|---|', ...goals, '');
  return `${[...head, ...out].join('\n')}\n`;
}
