/** The notifier's resume position (input-positions.ts), given/when/then. */
import { describe, expect, it } from 'vitest';
import {
  advance,
  initialPositions,
  positionOf,
  seeksFor,
  shouldFold,
} from '../../src/notify/input-positions.js';

const ALERTS = 'fenceline.alerts';
const ACTIONS = 'fenceline.alert-actions';

describe('input positions', () => {
  it('given nothing folded, when any record arrives, then it is folded and needs no seek', () => {
    const s = initialPositions();
    expect(shouldFold(s, ALERTS, 0, '0')).toBe(true);
    expect(shouldFold(s, ALERTS, 2, '17')).toBe(true);
    expect(seeksFor(s, { [ALERTS]: [0, 1, 2], [ACTIONS]: [0] })).toEqual([]);
  });

  it('given records folded up to offset 4, then the kept position is 5 and 0..4 are skipped', () => {
    const s = initialPositions();
    for (const o of ['0', '1', '2', '3', '4']) advance(s, ALERTS, 1, o);
    expect(positionOf(s, ALERTS, 1)).toBe(5n);
    for (const o of ['0', '3', '4']) expect(shouldFold(s, ALERTS, 1, o)).toBe(false);
    expect(shouldFold(s, ALERTS, 1, '5')).toBe(true);
    // A gap (transaction markers, aborted records) is not a reason to skip.
    expect(shouldFold(s, ALERTS, 1, '9')).toBe(true);
  });

  it('keeps partitions and topics apart', () => {
    const s = initialPositions();
    advance(s, ALERTS, 0, '10');
    expect(shouldFold(s, ALERTS, 1, '3')).toBe(true);
    expect(shouldFold(s, ACTIONS, 0, '3')).toBe(true);
    expect(shouldFold(s, ALERTS, 0, '3')).toBe(false);
  });

  it('never moves backwards when an older offset is advanced again', () => {
    const s = initialPositions();
    advance(s, ALERTS, 0, '8');
    advance(s, ALERTS, 0, '2');
    expect(positionOf(s, ALERTS, 0)).toBe(8n + 1n);
  });

  it('handles offsets beyond 2^53 exactly', () => {
    const s = initialPositions();
    advance(s, ALERTS, 0, '9007199254740993');
    expect(shouldFold(s, ALERTS, 0, '9007199254740993')).toBe(false);
    expect(shouldFold(s, ALERTS, 0, '9007199254740994')).toBe(true);
    expect(seeksFor(s, { [ALERTS]: [0] })).toEqual([
      { topic: ALERTS, partition: 0, offset: '9007199254740994' },
    ]);
  });

  it('given a new consumer assigned some partitions, then it seeks exactly the assigned ones it has positions for', () => {
    const s = initialPositions();
    advance(s, ALERTS, 0, '4');
    advance(s, ALERTS, 2, '11');
    advance(s, ACTIONS, 0, '0');
    expect(seeksFor(s, { [ALERTS]: [2, 1, 0], [ACTIONS]: [0] })).toEqual([
      { topic: ALERTS, partition: 0, offset: '5' },
      { topic: ALERTS, partition: 2, offset: '12' },
      { topic: ACTIONS, partition: 0, offset: '1' },
    ]);
    // Partition 2 went to another member (or is not assigned yet): no seek for it.
    expect(seeksFor(s, { [ALERTS]: [0] })).toEqual([{ topic: ALERTS, partition: 0, offset: '5' }]);
    expect(seeksFor(s, {})).toEqual([]);
  });

  it('when a re-read replays a partition from the beginning, then only the unseen tail is folded', () => {
    const s = initialPositions();
    const folded: string[] = [];
    const read = (offsets: string[]) => {
      for (const o of offsets) {
        if (!shouldFold(s, ALERTS, 0, o)) continue;
        folded.push(o);
        advance(s, ALERTS, 0, o);
      }
    };
    read(['0', '1', '2']);
    read(['0', '1', '2', '3', '4']); // the replacement consumer started from the beginning
    read(['4', '5']); // a batch fetched before the seek, overlapping the kept position
    expect(folded).toEqual(['0', '1', '2', '3', '4', '5']);
  });
});
