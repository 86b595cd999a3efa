/**
 * The supervisor's report over a time window: per severity, how many incidents opened, how many
 * were acknowledged within the target, the median and worst time to acknowledge, and how closed
 * incidents ended. Pure: the incidents and the window are passed in.
 */
import type { CloseOutcome, Severity } from '../contract/index.js';
import type { Incident } from './incident.js';

export interface SeverityReport {
  opened: number;
  acknowledged: number;
  ackedWithinTarget: number;
  medianAckS: number | null;
  worstAckS: number | null;
  stillUnacknowledged: number;
  closed: number;
  outcomes: Partial<Record<CloseOutcome, number>>;
}

export type Report = Record<Severity, SeverityReport>;

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Incidents opened in [from, to). */
export function buildReport(incidents: Iterable<Incident>, from: number, to: number): Report {
  const acc = {} as Record<Severity, SeverityReport & { ackTimes: number[] }>;
  for (const s of ['P1', 'P2', 'P3'] as const) {
    acc[s] = {
      opened: 0,
      acknowledged: 0,
      ackedWithinTarget: 0,
      medianAckS: null,
      worstAckS: null,
      stillUnacknowledged: 0,
      closed: 0,
      outcomes: {},
      ackTimes: [],
    };
  }
  for (const i of incidents) {
    if (i.openedAt < from || i.openedAt >= to) continue;
    const r = acc[i.severity];
    r.opened += 1;
    // The first acknowledge counts, even if the incident was reopened since.
    const firstAck = i.actions.find((a) => a.kind === 'acknowledge');
    if (firstAck !== undefined) {
      r.acknowledged += 1;
      r.ackTimes.push(Math.max(0, firstAck.at - i.openedAt) / 1000);
      if (firstAck.at <= i.ackDueAt) r.ackedWithinTarget += 1;
    } else if (i.status !== 'closed') {
      r.stillUnacknowledged += 1;
    }
    if (i.status === 'closed') {
      r.closed += 1;
      if (i.outcome !== undefined) r.outcomes[i.outcome] = (r.outcomes[i.outcome] ?? 0) + 1;
    }
  }
  const out = {} as Report;
  for (const [s, { ackTimes, ...r }] of Object.entries(acc) as [
    Severity,
    SeverityReport & { ackTimes: number[] },
  ][]) {
    ackTimes.sort((a, b) => a - b);
    out[s] = { ...r, medianAckS: median(ackTimes), worstAckS: ackTimes.at(-1) ?? null };
  }
  return out;
}
