/**
 * The event stream's resume contract, against the real store and fold: a client that reconnects
 * with Last-Event-ID gets exactly the changes after it (no gaps, no duplicates); one with no id,
 * or an id older than the buffer, gets a snapshot of the open incidents.
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACK_TARGETS_MS } from '../../src/centre/index.js';
import { CentreStore } from '../../src/console/centre-store.js';
import { EventStreamHub } from '../../src/console/event-stream.js';
import type { Alert } from '../../src/contract/index.js';

class FakeResponse extends EventEmitter {
  text = '';
  status = 0;
  writeHead(status: number) {
    this.status = status;
    return this;
  }
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
  end() {
    this.emit('close');
  }
  /** The frames written, as { event, id, incidentId|count }. */
  frames() {
    return this.text
      .split('\n\n')
      .filter((f) => f.includes('event:'))
      .map((f) => {
        const id = Number(/^id: [0-9a-z]+\.(\d+)$/m.exec(f)![1]);
        const event = /^event: (\w+)$/m.exec(f)![1]!;
        const data = JSON.parse(/^data: (.*)$/m.exec(f)![1]!);
        return { id, event, data };
      });
  }
}

const alert = (i: number): Alert => ({
  alertId: `a${i}`,
  type: 'EXCLUSION_ENTERED',
  severity: 'P1',
  subjectId: 'S',
  tagId: 'T',
  breachId: `b${i}`,
  ts: 1000 + i,
  emittedAt: 1000 + i,
});

function setup() {
  const store = new CentreStore(DEFAULT_ACK_TARGETS_MS);
  const counts: number[] = [];
  const hub = new EventStreamHub(store, (n) => counts.push(n));
  return { store, hub, counts };
}

describe('event stream', () => {
  it('a fresh client gets a snapshot, then every change once, with increasing ids', () => {
    const { store, hub } = setup();
    store.applyAlert(alert(1));
    const res = new FakeResponse();
    hub.attach(res as unknown as ServerResponse, undefined, 5000);
    store.applyAlert(alert(2));
    store.applyAlert(alert(2)); // replay: no change, no event
    store.applyAlert(alert(3));
    const frames = res.frames();
    expect(frames[0]).toMatchObject({ event: 'snapshot', id: 1 });
    expect(frames[0]!.data.incidents.map((i: { incidentId: string }) => i.incidentId)).toEqual(['b1']);
    expect(frames.slice(1).map((f) => [f.event, f.id, f.data.incidentId])).toEqual([
      ['incident', 2, 'b2'],
      ['incident', 3, 'b3'],
    ]);
    hub.close();
  });

  it('a reconnect with Last-Event-ID resumes after it: no gap, no duplicate', () => {
    const { store, hub, counts } = setup();
    const first = new FakeResponse();
    hub.attach(first as unknown as ServerResponse, undefined, 0);
    store.applyAlert(alert(1));
    store.applyAlert(alert(2));
    first.end(); // connection dropped after id 2
    store.applyAlert(alert(3)); // missed while away
    store.applyAlert(alert(4));
    const second = new FakeResponse();
    hub.attach(second as unknown as ServerResponse, `${hub.epoch}.2`, 0);
    store.applyAlert(alert(5));
    const seen = [...first.frames(), ...second.frames()]
      .filter((f) => f.event === 'incident')
      .map((f) => f.id);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(second.frames().some((f) => f.event === 'snapshot')).toBe(false);
    expect(counts).toEqual([1, 0, 1]);
    hub.close();
  });

  it('an id the buffer does not cover, from another process (epoch), or garbage, gets a snapshot', () => {
    const { store, hub } = setup();
    store.applyAlert(alert(1));
    for (const id of [`${hub.epoch}.999`, 'abc', '1', `other.1`]) {
      const res = new FakeResponse();
      hub.attach(res as unknown as ServerResponse, id, 0);
      expect(res.frames()[0]!.event).toBe('snapshot');
    }
    hub.close();
  });
});
