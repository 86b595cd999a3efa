/**
 * The sweep's decisions, pure:
 *  - item 7: no NO_SIGNAL while the partition is behind (a backlog is not a silence); an enrolled
 *    tag that never sends a fix raises NO_SIGNAL counted from its enrolment; a new enrolment of a
 *    tag starts with fresh device state;
 *  - item 6: a state is dropped a configurable time after its enrolment ends.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/contract/index.js';
import {
  applyPing,
  DEFAULT_ENGINE_CONFIG,
  decodeTagState,
  EnrolmentTable,
  encodeTagState,
  newTagState,
  type TagState,
  type World,
} from '../../src/engine/index.js';
import { ZoneIndex } from '../../src/geo/index.js';
import { isBehind, planSweep, stateExpired } from '../../src/stream/partition-sweep.js';

const T0 = Date.UTC(2026, 10, 30, 8);
const engine = { ...DEFAULT_ENGINE_CONFIG, noSignalAfterS: 600 };
const limits = { maxLag: 1000, maxBehindMs: 60_000 };

function world(...enrolments: Parameters<EnrolmentTable['upsert']>[]): World {
  const table = new EnrolmentTable();
  for (const [e, seenAt] of enrolments) table.upsert(e, seenAt);
  return { zones: ZoneIndex.build([]), enrolments: table };
}

function heard(w: World, tagId: string, ts: number, out: Alert[] = []): TagState {
  const s = newTagState(tagId);
  applyPing(w, engine, s, { tagId, ts, lat: 51.5, lon: -0.1, accuracyM: 10 }, ts, ts, out);
  return s;
}

const sweep = (
  w: World,
  states: Map<string, TagState>,
  now: number,
  behind = false,
  enrolledTags: string[] = [],
) => planSweep({ world: w, engine, states, enrolledTags, now, retentionMs: 3600_000, behind });

describe('item 7: NO_SIGNAL only when it is true', () => {
  it('isBehind: lag beyond the limit, or unread records with an old last append time', () => {
    expect(isBehind({ lag: 0, lastAppendTs: T0 - 3600_000 }, limits, T0)).toBe(false); // quiet, caught up
    expect(isBehind({ lag: 5000, lastAppendTs: T0 }, limits, T0)).toBe(true);
    expect(isBehind({ lag: 10, lastAppendTs: T0 - 1000 }, limits, T0)).toBe(false);
    expect(isBehind({ lag: 10, lastAppendTs: T0 - 120_000 }, limits, T0)).toBe(true);
    expect(isBehind({ lag: 10, lastAppendTs: undefined }, limits, T0)).toBe(true);
    expect(isBehind({ lag: Number.POSITIVE_INFINITY, lastAppendTs: T0 }, limits, T0)).toBe(true);
  });

  it('a partition that is behind raises no NO_SIGNAL; caught up, it does', () => {
    const w = world([{ tagId: 'tag-1', subjectId: 's1' }, T0 - 86_400_000]);
    const states = new Map([['tag-1', heard(w, 'tag-1', T0)]]);
    expect(sweep(w, states, T0 + 3600_000, true, ['tag-1']).alerts).toEqual([]);
    expect(states.get('tag-1')!.noSignalTs).toBeNull();
    const plan = sweep(w, states, T0 + 3600_000, false, ['tag-1']);
    expect(plan.alerts.map((a) => [a.type, a.ts])).toEqual([['NO_SIGNAL', T0]]);
  });

  it('an enrolled tag that never sends a fix raises NO_SIGNAL counted from its enrolment, once', () => {
    const seenAt = T0 - 1000;
    const w = world([{ tagId: 'tag-q', subjectId: 's-q' }, seenAt]);
    const states = new Map<string, TagState>();
    expect(sweep(w, states, seenAt + 599_000, false, ['tag-q']).alerts).toEqual([]);
    const plan = sweep(w, states, seenAt + 601_000, false, ['tag-q']);
    expect(plan.alerts.map((a) => [a.type, a.subjectId, a.ts])).toEqual([['NO_SIGNAL', 's-q', seenAt]]);
    expect(plan.changed.map((s) => s.tagId)).toEqual(['tag-q']);
    expect(states.get('tag-q')!.noSignalTs).toBe(seenAt);
    // Later sweeps: the same silence, no second alert.
    expect(sweep(w, states, seenAt + 900_000, false, ['tag-q']).alerts).toEqual([]);
    // Its first fix closes the silence with SIGNAL_RESTORED (same breach id).
    const out: Alert[] = [];
    applyPing(
      w,
      engine,
      states.get('tag-q')!,
      { tagId: 'tag-q', ts: T0 + 1e6, lat: 51.5, lon: -0.1 },
      T0 + 1e6,
      T0 + 1e6,
      out,
    );
    expect(out.map((a) => a.type)).toEqual(['SIGNAL_RESTORED']);
    expect(out[0]!.breachId).toBe(plan.alerts[0]!.breachId);
  });

  it('validFrom, when given, is the start of an enrolment; an ended enrolment expects no fixes', () => {
    const w = world([{ tagId: 'tag-v', subjectId: 's', validFrom: T0 }, T0 - 86_400_000]);
    expect(sweep(w, new Map(), T0 + 601_000, false, ['tag-v']).alerts.map((a) => a.ts)).toEqual([T0]);
    const ended = world([{ tagId: 'tag-e', subjectId: 's', validTo: T0 }, T0 - 86_400_000]);
    expect(sweep(ended, new Map(), T0 + 601_000, false, ['tag-e']).alerts).toEqual([]);
  });

  it('a new enrolment of a tag starts with fresh device state (strap, battery, signal)', () => {
    const a = world([{ tagId: 'tag-r', subjectId: 'subject-a' }, T0]);
    const state = newTagState('tag-r');
    const out: Alert[] = [];
    applyPing(a, engine, state, { tagId: 'tag-r', ts: T0, strap: 'tampered', battery: 0.05 }, T0, T0, out);
    expect(out.map((x) => x.type).sort()).toEqual(['LOW_BATTERY', 'STRAP_TAMPER']);
    // The tag is refitted to another subject, still tampered-looking and low on its first report.
    const b = world([{ tagId: 'tag-r', subjectId: 'subject-b' }, T0 + 1000]);
    const out2: Alert[] = [];
    applyPing(
      b,
      engine,
      state,
      { tagId: 'tag-r', ts: T0 + 5000, strap: 'tampered', battery: 0.05 },
      T0,
      T0,
      out2,
    );
    expect(out2.map((x) => [x.type, x.subjectId]).sort()).toEqual([
      ['LOW_BATTERY', 'subject-b'],
      ['STRAP_TAMPER', 'subject-b'],
    ]);
    // And the state survives the changelog round trip with its enrolment.
    expect(decodeTagState(encodeTagState(state)).enrolment).toBe('subject-b|');
  });

  it('a state written before enrolments were followed still decodes', () => {
    const { enrolment: _e, ...old } = newTagState('tag-old');
    expect(decodeTagState(JSON.stringify(old)).enrolment).toBeNull();
  });
});

describe('item 6: states are dropped a configurable time after their enrolment ends', () => {
  it('keeps a state while enrolled, drops it retention after validTo or after the enrolment is deleted', () => {
    const w = world([{ tagId: 'tag-1', subjectId: 's', validTo: T0 }, T0 - 86_400_000]);
    const state = heard(w, 'tag-1', T0 - 60_000);
    expect(stateExpired(w, state, T0 + 3599_000, 3600_000)).toBe(false);
    expect(stateExpired(w, state, T0 + 3600_000, 3600_000)).toBe(true);
    const open = world([{ tagId: 'tag-1', subjectId: 's' }, T0]);
    expect(stateExpired(open, state, T0 + 1e10, 3600_000)).toBe(false);
    const deleted = world();
    expect(stateExpired(deleted, state, state.lastFixArrivedAt! + 3599_000, 3600_000)).toBe(false);
    expect(stateExpired(deleted, state, state.lastFixArrivedAt! + 3600_000, 3600_000)).toBe(true);
  });

  it('planSweep lists expired states (to tombstone) and raises nothing for them', () => {
    const w = world([{ tagId: 'tag-1', subjectId: 's', validTo: T0 }, T0 - 86_400_000]);
    const states = new Map([['tag-1', heard(w, 'tag-1', T0 - 60_000)]]);
    const plan = sweep(w, states, T0 + 7200_000);
    expect(plan.expired).toEqual(['tag-1']);
    expect(plan.alerts).toEqual([]);
  });
});
