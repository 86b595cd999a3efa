/**
 * The incident fold as given/when/then tables: every cell of the workflow table (legal and
 * illegal), concurrent acknowledges, replayed action ids, pairs joined by breachId, actions read
 * before their alert, and the notifier's ledger raising a P1.
 */
import { describe, expect, it } from 'vitest';
import {
  type CentreEvent,
  type CentreState,
  evolve,
  type FoldResult,
  initialState,
  openIncidents,
} from '../../src/centre/index.js';
import type {
  Alert,
  AlertAction,
  AlertActionKind,
  ConsoleRole,
  NotificationRecord,
} from '../../src/contract/index.js';

const T0 = 1_750_000_000_000;

function alert(over: Partial<Alert> = {}): Alert {
  return {
    alertId: 'a-1',
    type: 'EXCLUSION_ENTERED',
    severity: 'P1',
    subjectId: 'S1',
    tagId: 'T1',
    zoneId: 'Z1',
    breachId: 'b-1',
    ts: T0,
    emittedAt: T0 + 500,
    certainty: 'confirmed',
    ...over,
  };
}

let nextId = 0;
function act(kind: AlertActionKind, over: Partial<AlertAction> = {}): AlertAction {
  nextId += 1;
  return {
    actionId: `act-${nextId}`,
    incidentId: 'b-1',
    kind,
    user: 'olga',
    role: 'operator',
    at: T0 + 10_000 + nextId,
    ...(kind === 'close' && { outcome: 'genuine_breach' }),
    ...(kind === 'note' && { note: 'phoned the victim' }),
    ...over,
  } as AlertAction;
}

function given(...events: CentreEvent[]): CentreState {
  const s = initialState();
  for (const e of events) evolve(s, e);
  return s;
}
const A = (a: Alert): CentreEvent => ({ kind: 'alert', alert: a });
const X = (a: AlertAction): CentreEvent => ({ kind: 'action', action: a });

describe('workflow table: given an incident in a status, when an action arrives, then', () => {
  const setups: Record<string, CentreEvent[]> = {
    open: [A(alert())],
    acknowledged: [A(alert()), X(act('acknowledge'))],
    closed: [A(alert()), X(act('acknowledge')), X(act('close'))],
  };
  // [given status, action, role, expected status | rejection code]
  const table: Array<[string, AlertActionKind, ConsoleRole, string]> = [
    ['open', 'acknowledge', 'operator', 'acknowledged'],
    ['open', 'note', 'operator', 'open'],
    ['open', 'escalate', 'operator', 'open'],
    ['open', 'close', 'operator', 'not_acknowledged'],
    ['open', 'reopen', 'supervisor', 'not_closed'],
    ['acknowledged', 'acknowledge', 'operator', 'already_acknowledged'],
    ['acknowledged', 'note', 'operator', 'acknowledged'],
    ['acknowledged', 'escalate', 'operator', 'acknowledged'],
    ['acknowledged', 'close', 'operator', 'closed'],
    ['acknowledged', 'reopen', 'supervisor', 'not_closed'],
    ['closed', 'acknowledge', 'operator', 'already_closed'],
    ['closed', 'note', 'operator', 'closed'],
    ['closed', 'escalate', 'operator', 'already_closed'],
    ['closed', 'close', 'operator', 'already_closed'],
    ['closed', 'reopen', 'supervisor', 'open'],
    ['closed', 'reopen', 'operator', 'forbidden'],
    ['open', 'acknowledge', 'auditor', 'forbidden'],
    ['acknowledged', 'note', 'auditor', 'forbidden'],
  ];
  it.each(table)('given %s, when %s by %s, then %s', (status, kind, role, expected) => {
    const s = given(...setups[status]!);
    const before = s.incidents.get('b-1')!;
    expect(before.status).toBe(status);
    const r = evolve(s, X(act(kind, { role })));
    const after = s.incidents.get('b-1')!;
    if (['open', 'acknowledged', 'closed'].includes(expected)) {
      expect(r.verdict).toEqual({ ok: true });
      expect(after.status).toBe(expected);
      expect(after.actions.at(-1)!.kind).toBe(kind);
      expect(after.seq).toBeGreaterThan(before.seq);
    } else {
      expect(r.verdict).toMatchObject({ ok: false, code: expected });
      expect(after).toBe(before); // a rejection changes nothing
    }
  });

  it('close by someone other than the owner is refused, by a supervisor allowed', () => {
    const s = given(A(alert()), X(act('acknowledge', { user: 'olga' })));
    expect(evolve(s, X(act('close', { user: 'piet' }))).verdict).toMatchObject({ code: 'not_owner' });
    expect(evolve(s, X(act('close', { user: 'sam', role: 'supervisor' }))).verdict).toEqual({ ok: true });
  });

  it('closing a STRAP_TAMPER needs a note', () => {
    const tamper = alert({ alertId: 'st', type: 'STRAP_TAMPER', breachId: undefined, zoneId: undefined });
    const s = given(A(tamper), X(act('acknowledge', { incidentId: 'st' })));
    expect(evolve(s, X(act('close', { incidentId: 'st' }))).verdict).toMatchObject({ code: 'note_required' });
    expect(evolve(s, X(act('close', { incidentId: 'st', note: '  ' }))).verdict).toMatchObject({
      code: 'note_required',
    });
    expect(evolve(s, X(act('close', { incidentId: 'st', note: 'strap refitted' }))).verdict).toEqual({
      ok: true,
    });
    expect(s.incidents.get('st')!.status).toBe('closed');
  });

  it('acknowledge sets the owner; close records the outcome; reopen clears owner and outcome', () => {
    const s = given(A(alert()));
    evolve(s, X(act('acknowledge', { user: 'olga' })));
    expect(s.incidents.get('b-1')).toMatchObject({ owner: 'olga', status: 'acknowledged' });
    evolve(s, X(act('close', { user: 'olga', outcome: 'false_alarm_gps' })));
    expect(s.incidents.get('b-1')).toMatchObject({ status: 'closed', outcome: 'false_alarm_gps' });
    evolve(s, X(act('reopen', { user: 'sam', role: 'supervisor' })));
    const i = s.incidents.get('b-1')!;
    expect(i.status).toBe('open');
    expect(i.owner).toBeUndefined();
    expect(i.outcome).toBeUndefined();
  });
});

describe('concurrent acknowledges: the topic order decides', () => {
  it('given an open incident, when two operators acknowledge, then the first wins and the second is refused naming the owner', () => {
    const s = given(A(alert()));
    const first = evolve(s, X(act('acknowledge', { user: 'olga' })));
    const second = evolve(s, X(act('acknowledge', { user: 'piet' })));
    expect(first.verdict).toEqual({ ok: true });
    expect(second.verdict).toMatchObject({ ok: false, code: 'already_acknowledged' });
    expect((second.verdict as { reason: string }).reason).toContain('olga');
    expect(s.incidents.get('b-1')!.owner).toBe('olga');
  });

  it('two consoles folding the same records in the same topic order agree, whatever the alert interleaving', () => {
    const actions = [X(act('acknowledge', { user: 'olga' })), X(act('acknowledge', { user: 'piet' }))];
    const one = given(A(alert()), ...actions);
    const two = given(...actions, A(alert())); // actions read before the alert
    expect(two.incidents.get('b-1')!.owner).toBe('olga');
    const strip = (s: CentreState) => ({ ...s.incidents.get('b-1')!, seq: 0 });
    expect(strip(two)).toEqual(strip(one));
    expect([...two.verdicts]).toEqual([...one.verdicts]);
  });
});

describe('replayed action ids', () => {
  it('given an applied action, when the same actionId is folded again, then nothing changes and the first verdict is returned', () => {
    const s = given(A(alert()));
    const ack = act('acknowledge');
    evolve(s, X(ack));
    const before = s.incidents.get('b-1')!;
    const again = evolve(s, X({ ...ack, user: 'someone-else' }));
    expect(again.verdict).toEqual({ ok: true });
    expect(again.changed).toBeUndefined();
    expect(s.incidents.get('b-1')).toBe(before);
    expect(before.actions).toHaveLength(1);
  });

  it('a replayed rejected action keeps its rejection', () => {
    const s = given(A(alert()));
    const close = act('close');
    const r1 = evolve(s, X(close));
    evolve(s, X(act('acknowledge')));
    const r2 = evolve(s, X(close)); // would now be legal, but it is the same request
    expect(r2.verdict).toEqual(r1.verdict);
    expect(s.incidents.get('b-1')!.status).toBe('acknowledged');
  });

  it('a replayed alert is folded once', () => {
    const s = given(A(alert()), A(alert()));
    expect(s.incidents.get('b-1')!.alerts).toHaveLength(1);
  });
});

describe('pairs joined by breachId', () => {
  const pairs: Array<[Alert['type'], Alert['type'], string | undefined]> = [
    ['EXCLUSION_ENTERED', 'EXCLUSION_EXITED', 'exclusion'],
    ['INCLUSION_LEFT', 'INCLUSION_RETURNED', 'inclusion'],
    ['NO_SIGNAL', 'SIGNAL_RESTORED', undefined],
  ];
  it.each(
    pairs,
  )('given %s, when %s with the same breachId, then one incident, cleared but open', (opener, closer, kind) => {
    const s = given(
      A(alert({ alertId: 'o', type: opener, severity: 'P2' })),
      A(alert({ alertId: 'c', type: closer, severity: 'P3', ts: T0 + 60_000 })),
    );
    expect(s.incidents.size).toBe(1);
    const i = s.incidents.get('b-1')!;
    expect(i).toMatchObject({
      type: opener,
      cleared: true,
      clearedAt: T0 + 60_000,
      status: 'open',
      severity: 'P2',
    });
    expect(i.zoneKind).toBe(kind);
    expect(i.alerts.map((a) => a.alertId)).toEqual(['o', 'c']);
    expect(openIncidents(s)).toHaveLength(1);
  });

  it('alerts without a breachId are incidents of their own (by alertId)', () => {
    const s = given(
      A(alert({ alertId: 'lb-1', type: 'LOW_BATTERY', severity: 'P3', breachId: undefined })),
      A(alert({ alertId: 'lb-2', type: 'LOW_BATTERY', severity: 'P3', breachId: undefined })),
    );
    expect([...s.incidents.keys()].sort()).toEqual(['lb-1', 'lb-2']);
  });

  it('the exit arriving first still joins the entry later', () => {
    const s = given(
      A(alert({ alertId: 'c', type: 'EXCLUSION_EXITED', ts: T0 + 5 })),
      A(alert({ alertId: 'o', type: 'EXCLUSION_ENTERED', ts: T0 })),
    );
    expect(s.incidents.size).toBe(1);
    expect(s.incidents.get('b-1')!.alerts.map((a) => a.alertId)).toEqual(['o', 'c']);
    expect(s.incidents.get('b-1')!.cleared).toBe(true);
  });
});

describe('queue order and ack targets', () => {
  it('orders by severity, then age', () => {
    const s = given(
      A(alert({ alertId: 'p3', breachId: 'p3', severity: 'P3', emittedAt: T0 })),
      A(alert({ alertId: 'p1-new', breachId: 'p1-new', severity: 'P1', emittedAt: T0 + 9 })),
      A(alert({ alertId: 'p1-old', breachId: 'p1-old', severity: 'P1', emittedAt: T0 + 1 })),
    );
    expect(openIncidents(s).map((i) => i.incidentId)).toEqual(['p1-old', 'p1-new', 'p3']);
  });
  it('ackDueAt is openedAt + the severity target', () => {
    const s = given(A(alert({ severity: 'P2' })));
    expect(s.incidents.get('b-1')!.ackDueAt).toBe(T0 + 500 + 300_000);
  });
  it('acknowledge and close report their time since opening', () => {
    const s = given(A(alert()));
    const r: FoldResult = evolve(s, X(act('acknowledge', { at: T0 + 30_500 })));
    expect(r.transition).toMatchObject({ kind: 'acknowledged', afterMs: 30_000 });
  });
});

describe("the notifier's ledger", () => {
  const rec = (over: Partial<NotificationRecord>): NotificationRecord => ({
    notificationId: 'n-1',
    alertId: 'a-1',
    incidentId: 'b-1',
    endpoint: 'police',
    reason: 'escalation',
    attempt: 1,
    at: T0 + 20_000,
    outcome: 'delivered',
    status: 200,
    ...over,
  });
  const N = (r: NotificationRecord): CentreEvent => ({ kind: 'notification', record: r });

  it('given an incident, when attempts are recorded, then they show on it in order', () => {
    const s = given(
      A(alert({ severity: 'P2' })),
      N(rec({ outcome: 'retrying', status: 503 })),
      N(rec({ attempt: 2 })),
    );
    const i = s.incidents.get('b-1')!;
    expect(i.notifications.map((n) => [n.attempt, n.outcome, n.status])).toEqual([
      [1, 'retrying', 503],
      [2, 'delivered', 200],
    ]);
    expect(i.notifyFailed).toBe(false);
    expect(i.severity).toBe('P2');
  });
  it.each([
    'exhausted',
    'endpoint_disabled',
  ] as const)('when %s, then the incident becomes P1 and flagged', (outcome) => {
    const s = given(A(alert({ severity: 'P3' })), N(rec({ outcome, attempt: 8 })));
    const i = s.incidents.get('b-1')!;
    expect(i).toMatchObject({ notifyFailed: true, severity: 'P1' });
    expect(openIncidents(s)[0]!.incidentId).toBe('b-1');
  });
  it('records folded in either partition interleaving give the same incident', () => {
    const r1 = rec({ notificationId: 'n-b', at: T0 + 1 });
    const r2 = rec({ notificationId: 'n-a', at: T0 + 1, outcome: 'exhausted' });
    const one = given(A(alert()), N(r1), N(r2));
    const two = given(A(alert()), N(r2), N(r1));
    const strip = (s: CentreState) => ({ ...s.incidents.get('b-1')!, seq: 0 });
    expect(strip(one)).toEqual(strip(two));
  });
  it('a record read before its alert is applied when the alert arrives; a replayed record once', () => {
    const s = given(
      N(rec({ outcome: 'exhausted' })),
      A(alert({ severity: 'P2' })),
      N(rec({ outcome: 'exhausted' })),
    );
    expect(s.incidents.get('b-1')!.notifications).toHaveLength(1);
    expect(s.incidents.get('b-1')!.severity).toBe('P1');
  });
});
