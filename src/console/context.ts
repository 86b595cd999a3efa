/** What every route family needs, passed in once by server.ts. */
import type { Logger } from 'pino';
import type { ActionProducer } from './action-producer.js';
import type { CentreStore } from './centre-store.js';
import type { ConsoleConfig } from './config.js';
import type { DeviceFeed } from './device-feed.js';
import type { EventStreamHub } from './event-stream.js';
import type { FoldRunner } from './fold-runner.js';
import type { LoginLimiter } from './login-limiter.js';
import type { ConsoleMetrics } from './metrics.js';
import type { SessionStore } from './sessions.js';
import type { StaticFile } from './static-files.js';

export interface ConsoleContext {
  readonly config: ConsoleConfig;
  readonly store: CentreStore;
  readonly runner: FoldRunner;
  readonly devices: DeviceFeed;
  readonly sessions: SessionStore;
  readonly limiter: LoginLimiter;
  readonly hub: EventStreamHub;
  readonly producer: ActionProducer;
  readonly metrics: ConsoleMetrics;
  readonly logger: Logger;
  readonly files: Map<string, StaticFile>;
  readonly now: () => number;
}

/** A 4xx/5xx body: a stable code, a human reason, and the offending field when there is one. */
export interface ErrorBody {
  error: string;
  reason: string;
  field?: string;
}
