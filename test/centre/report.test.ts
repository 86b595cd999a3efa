import { describe, expect, it } from 'vitest';
import { type CentreState, evolve, initialState } from '../../src/centre/index.js';
import { buildReport } from '../../src/centre/report.js';
import type { AlertAction } from '../../src/contract/index.js';

const T0 = 1_750_000_000_000;

function given(): CentreState {
  const s = initialState();
  const alert = (id: string, severity: 'P1' | 'P2', at: number) =>
    evolve(s, {
      kind: 'alert',
      alert: {
        alertId: id,
        type: 'EXCLUSION_ENTERED',
        severity,
        subjectId: 'S',
        tagId: 'T',
        ts: at,
        emittedAt: at,
      },
    });
  const act = (incidentId: string, kind: AlertAction['kind'], at: number, extra: Partial<AlertAction> = {}) =>
    evolve(s, {
      kind: 'action',
      action: {
        actionId: `${incidentId}-${kind}-${at}`,
        incidentId,
        kind,
        user: 'olga',
        role: 'supervisor',
        at,
        ...extra,
      } as AlertAction,
    });
  alert('fast', 'P1', T0);
  act('fast', 'acknowledge', T0 + 20_000);
  act('fast', 'close', T0 + 60_000, { outcome: 'genuine_breach' });
  alert('slow', 'P1', T0 + 1000);
  act('slow', 'acknowledge', T0 + 1000 + 120_000);
  alert('waiting', 'P1', T0 + 2000);
  alert('other', 'P2', T0 + 3000);
  alert('outside', 'P1', T0 + 999_999);
  return s;
}

describe('supervisor report', () => {
  it('given incidents in the window, then per severity: opened, acked within target, median/worst, outcomes', () => {
    const r = buildReport(given().incidents.values(), T0, T0 + 10_000);
    expect(r.P1).toEqual({
      opened: 3,
      acknowledged: 2,
      ackedWithinTarget: 1,
      medianAckS: 70,
      worstAckS: 120,
      stillUnacknowledged: 1,
      closed: 1,
      outcomes: { genuine_breach: 1 },
    });
    expect(r.P2).toMatchObject({ opened: 1, acknowledged: 0, medianAckS: null, stillUnacknowledged: 1 });
    expect(r.P3.opened).toBe(0);
  });
});
