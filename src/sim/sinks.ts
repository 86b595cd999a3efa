/**
 * Where a simulated run goes: a JSONL file (offline benches, inspection) or Kafka. The file
 * format is one record per line, `{ topic, key, timestamp, value }`, with timestamp the simulated
 * time the record reaches the backend (the upload time for pings), so a replay can use it as
 * the record's arrival time.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { TopicNames } from '../contract/index.js';
import type { SimPing } from './subject-sim.js';

export interface SimSink {
  /** A table record (zone or enrolment), published before any ping. */
  table(topic: 'zones' | 'enrolments', key: string, value: object, at: number): Promise<void>;
  /** One upload batch of one tag, pings in ts order. */
  pings(key: string, uploadAt: number, pings: readonly SimPing[]): Promise<void>;
  /** Pacing is about to sleep: ship what is buffered without waiting for it (keeps latency low). */
  nudge(): Promise<void>;
  /** Everything written so far is durable (file flushed / broker acknowledged). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Buffered line writer that respects backpressure. */
export class LineWriter {
  private readonly stream: WriteStream;
  private chunk: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  async line(text: string): Promise<void> {
    this.chunk.push(text);
    this.size += text.length + 1;
    if (this.size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const data = `${this.chunk.join('\n')}\n`;
    this.chunk = [];
    this.size = 0;
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) =>
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}

export class FileSink implements SimSink {
  private readonly out: LineWriter;

  constructor(
    path: string,
    private readonly topics: TopicNames,
  ) {
    this.out = new LineWriter(path);
  }

  table(topic: 'zones' | 'enrolments', key: string, value: object, at: number): Promise<void> {
    return this.out.line(
      `{"topic":${JSON.stringify(this.topics[topic])},"key":${JSON.stringify(key)},"timestamp":${at},"value":${JSON.stringify(value)}}`,
    );
  }

  async pings(key: string, uploadAt: number, pings: readonly SimPing[]): Promise<void> {
    const head = `{"topic":${JSON.stringify(this.topics.pings)},"key":${JSON.stringify(key)},"timestamp":${uploadAt},"value":`;
    for (const p of pings) await this.out.line(`${head}${JSON.stringify(p.ping)}}`);
  }

  async nudge(): Promise<void> {}

  flush(): Promise<void> {
    return this.out.flush();
  }

  close(): Promise<void> {
    return this.out.close();
  }
}
