/**
 * Server-sent events: every fold change is an `incident` event whose id is the fold's sequence
 * number. A client that reconnects sends Last-Event-ID (EventSource does this by itself) and gets
 * exactly the changes after it from a ring buffer, so a dropped connection resumes without gaps or
 * duplicates; one too far behind gets a fresh `snapshot` instead. Snapshot and buffer are taken in
 * one synchronous step, so nothing can slip between them.
 */
import type { ServerResponse } from 'node:http';
import type { Incident } from '../centre/index.js';
import { openIncidents } from '../centre/index.js';
import type { CentreStore } from './centre-store.js';

/** Changes kept for resuming; at 50 alerts/s about 100 s, after which a client gets a snapshot. */
const BUFFER = 5_000;
const HEARTBEAT_MS = 15_000;
export const SNAPSHOT_LIMIT = 2000;

interface Client {
  res: ServerResponse;
}

export class EventStreamHub {
  private readonly ring: Incident[] = [];
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  /**
   * Event ids are `<epoch>.<seq>`: a restarted console folds the same records to the same state
   * but not necessarily the same sequence numbers, so an id from another process never resumes.
   */
  readonly epoch = Date.now().toString(36);

  constructor(
    private readonly store: CentreStore,
    private readonly onCount: (n: number) => void,
  ) {
    store.onChange((incident) => this.publish(incident));
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  private publish(incident: Incident): void {
    this.ring.push(incident);
    // Trim in chunks: shifting one per change would cost O(BUFFER) per record during replay.
    if (this.ring.length > 2 * BUFFER) this.ring.splice(0, this.ring.length - BUFFER);
    if (this.clients.size === 0) return;
    const frame = `id: ${this.epoch}.${incident.seq}\nevent: incident\ndata: ${JSON.stringify(incident)}\n\n`;
    for (const c of this.clients) c.res.write(frame);
  }

  /** Takes over `res`: writes the catch-up (resume or snapshot), then live changes until it closes. */
  attach(res: ServerResponse, lastEventId: string | undefined, now: number): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const seq = this.store.state.seq;
    const match = lastEventId !== undefined ? /^([0-9a-z]+)\.(\d+)$/.exec(lastEventId) : null;
    const last = match !== null && match[1] === this.epoch ? Number(match[2]) : undefined;
    const oldest = this.ring[0]?.seq ?? seq + 1;
    if (last !== undefined && last <= seq && last >= oldest - 1) {
      // Resume: only what changed after the client's last event.
      let out = '';
      for (const i of this.ring)
        if (i.seq > last)
          out += `id: ${this.epoch}.${i.seq}\nevent: incident\ndata: ${JSON.stringify(i)}\n\n`;
      if (out !== '') res.write(out);
    } else {
      // The queue's head, not all of it: a backlog of tens of thousands would be megabytes per
      // client. Changes to any incident still arrive as events.
      const open = openIncidents(this.store.state);
      const snapshot = { seq, serverNow: now, total: open.length, incidents: open.slice(0, SNAPSHOT_LIMIT) };
      res.write(`id: ${this.epoch}.${seq}\nevent: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
    }
    const client: Client = { res };
    this.clients.add(client);
    this.onCount(this.clients.size);
    res.on('close', () => {
      this.clients.delete(client);
      this.onCount(this.clients.size);
    });
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    this.onCount(0);
  }
}
