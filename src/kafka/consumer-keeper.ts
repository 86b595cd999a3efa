/**
 * Keeps one kafkajs consumer running for as long as the process wants it, the shell around the
 * pure rule in consumer-restart.ts. Shared by the worker's pings consumer and the notifier's
 * input consumer.
 *
 * A broker down for longer than kafkajs' retries (~30 s) ends in CRASH with restart: false (e.g.
 * "Failed to find group coordinator"): that consumer is dead for good, and a process that stops
 * consuming protects no one. So, unless Kafka refused us (credentials, certificate, ACL: fatal),
 * a new consumer starts after a back-off, for as long as it takes, and `problem()` says why
 * nothing is being consumed meanwhile (for /readyz). A group join of the current consumer ends
 * the problem and resets the back-off.
 */
import type { Consumer, ConsumerGroupJoinEvent } from 'kafkajs';
import type { KafkaConnectionConfig, KafkaLogSink } from './connection.js';
import { crashFacts, crashVerdict, restartDelayMs } from './consumer-restart.js';

export interface KeptConsumer {
  /** How logs and /readyz name it, e.g. "pings consumer". */
  readonly name: string;
  readonly connection: KafkaConnectionConfig;
  readonly log: KafkaLogSink;
  create(): Consumer;
  /** Connect, subscribe and run `c` (wiring any events of its own); rejects if it cannot. */
  run(c: Consumer): Promise<void>;
  /** A group join of the current consumer, after the keeper has cleared its problem. */
  onJoin(c: Consumer, e: ConsumerGroupJoinEvent): void;
  /** False once the process is stopping: no replacement is started then. */
  wanted(): boolean;
  /** Kafka refused us: a new consumer cannot help. */
  onFatal(err: Error): void;
}

export class ConsumerKeeper {
  private current: Consumer | undefined;
  private failure: string | undefined;
  private crashes = 0;
  private everAssigned = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly kept: KeptConsumer) {}

  /** The consumer in charge now (a crashed one is replaced). */
  get consumer(): Consumer | undefined {
    return this.current;
  }

  /** Why nothing is being consumed right now; undefined while the consumer runs. */
  problem(): string | undefined {
    return this.failure;
  }

  /** Run the first consumer; its failures reject (a start-up failure is the caller's). */
  start(): Promise<void> {
    return this.launch(this.kept.create());
  }

  /** No more replacements; leave the group, waiting at most `timeoutMs` when given. */
  async stop(timeoutMs?: number): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.current?.disconnect().catch(() => undefined);
    if (timeoutMs === undefined) return left;
    await Promise.race([left, new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private async launch(c: Consumer): Promise<void> {
    const { kept } = this;
    this.current = c;
    c.on(c.events.GROUP_JOIN, (e) => {
      if (c !== this.current) return;
      if (this.failure !== undefined) kept.log.info({ crashes: this.crashes }, `${kept.name} assigned again`);
      this.failure = undefined;
      this.crashes = 0;
      this.everAssigned = true;
      kept.onJoin(c, e);
    });
    c.on(c.events.CRASH, (e) => {
      kept.log.error({ err: e.payload.error, restart: e.payload.restart }, `${kept.name} crashed`);
      if (!e.payload.restart) this.replace(c, e.payload.error);
    });
    await kept.run(c);
  }

  private replace(crashed: Consumer, err: Error): void {
    const { kept } = this;
    if (crashed !== this.current || !kept.wanted()) return;
    // A refusal Kafka stated (or, before any assignment, one it implied) is final; on a SASL
    // cluster a long outage reads like a missing ACL, so once assigned that is a restart.
    const facts = crashFacts(err, kept.connection, this.everAssigned);
    if (crashVerdict(facts) === 'fatal') {
      this.failure = facts.refusal?.line ?? err.message;
      kept.onFatal(err);
      return;
    }
    this.crashes++;
    const delay = restartDelayMs(this.crashes);
    this.failure = `${kept.name} crashed (${err.message}); new consumer ${this.crashes} in ${delay} ms`;
    kept.log.error(
      { err, crashes: this.crashes, retryInMs: delay },
      `${kept.name} crashed; starting a new one`,
    );
    void crashed.disconnect().catch(() => undefined);
    this.timer = setTimeout(() => void this.relaunch(), delay);
    this.timer.unref();
  }

  private async relaunch(): Promise<void> {
    this.timer = undefined;
    if (!this.kept.wanted()) return;
    const c = this.kept.create();
    try {
      await this.launch(c);
    } catch (err) {
      this.replace(c, err instanceof Error ? err : new Error(String(err)));
    }
  }
}
