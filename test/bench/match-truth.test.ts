import { describe, expect, it } from 'vitest';
import {
  mergeEpisodes,
  type ScoredAlert,
  scoreDetections,
  type TruthEpisode,
} from '../../bench/match-truth.js';

const M = 60_000;
const T0 = 1_750_000_000_000;
const ep = (from: number, to: number | null, zoneId = 'Z1', tagId = 'T1'): TruthEpisode => ({
  tagId,
  zoneId,
  from: T0 + from,
  to: to === null ? null : T0 + to,
});
const alert = (ts: number, zoneId = 'Z1', tagId = 'T1', extra: Partial<ScoredAlert> = {}): ScoredAlert => ({
  tagId,
  zoneId,
  ts: T0 + ts,
  ...extra,
});
const run = { end: T0 + 24 * 60 * M, subjectDays: 2 };

describe('scoreDetections', () => {
  it('given an alert inside [entry - 2 min, exit + 5 min], then it detects the episode, with its delay', () => {
    const s = scoreDetections(
      [ep(10 * M, 20 * M)],
      [alert(10 * M + 15_000, 'Z1', 'T1', { arrivedAt: T0 + 14 * M })],
      run,
    );
    expect(s).toMatchObject({ episodes: 1, detected: 1, recall: 1, trueAlerts: 1, falseAlerts: 0 });
    expect(s.delayS.p50).toBe(15);
    expect(s.delayUploadS.p50).toBe(240);
  });

  it('given alerts just outside the window on either side, then they are false and the episode is missed', () => {
    const s = scoreDetections([ep(10 * M, 20 * M)], [alert(10 * M - 2 * M - 1), alert(25 * M + 1)], run);
    expect(s).toMatchObject({ detected: 0, recall: 0, falseAlerts: 2, falsePerSubjectDay: 1 });
    expect(s.missed).toHaveLength(1);
  });

  it('given an early noisy alert within tolerance, then its negative delay is reported as such', () => {
    const s = scoreDetections([ep(10 * M, 20 * M)], [alert(10 * M - 30_000)], run);
    expect(s.detected).toBe(1);
    expect(s.delayS.p50).toBe(-30);
  });

  it('given an alert for another zone or tag, then it is false and does not detect', () => {
    const s = scoreDetections([ep(10 * M, 20 * M)], [alert(11 * M, 'Z2'), alert(11 * M, 'Z1', 'T2')], run);
    expect(s).toMatchObject({ detected: 0, falseAlerts: 2 });
  });

  it('given several alerts in one episode, then all are true and the earliest sets the delay', () => {
    const s = scoreDetections([ep(10 * M, 20 * M)], [alert(15 * M), alert(11 * M), alert(19 * M)], run);
    expect(s).toMatchObject({ detected: 1, trueAlerts: 3, falseAlerts: 0 });
    expect(s.delayS.p50).toBe(60);
  });

  it('given an episode still open at the end, then any later alert of that zone matches it', () => {
    const s = scoreDetections([ep(10 * M, null)], [alert(300 * M)], run);
    expect(s.detected).toBe(1);
  });

  it('given an episode starting in the last 15 minutes, then it is censored, not missed', () => {
    const s = scoreDetections([ep(24 * 60 * M - 5 * M, null)], [], run);
    expect(s).toMatchObject({ episodes: 0, censored: 1, detected: 0 });
  });

  it('given a false alert on an outlier fix, then it is counted as such', () => {
    const s = scoreDetections([], [alert(M, 'Z1', 'T1', { outlier: true }), alert(2 * M)], run);
    expect(s).toMatchObject({ falseAlerts: 2, falseFromOutliers: 1 });
  });

  it('given two episodes split by a 30 s step outside, then they count as one', () => {
    expect(mergeEpisodes([ep(10 * M, 20 * M), ep(20 * M + 30_000, 30 * M)], 120_000)).toEqual([
      ep(10 * M, 30 * M),
    ]);
    const s = scoreDetections(
      [ep(10 * M, 20 * M), ep(20 * M + 30_000, 30 * M)],
      [alert(10 * M + 20_000)],
      run,
    );
    expect(s).toMatchObject({ episodes: 1, detected: 1, recall: 1 });
  });

  it('given episodes 10 minutes apart, then they stay two and each needs its own alert', () => {
    const s = scoreDetections([ep(10 * M, 20 * M), ep(40 * M, 50 * M)], [alert(10 * M + 20_000)], run);
    expect(s).toMatchObject({ episodes: 2, detected: 1, recall: 0.5 });
  });
});
