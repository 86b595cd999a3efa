/**
 * The demo's police side: a local verify-receiver standing in for a force, and the notifier
 * routing confirmed P1 entries/exits there at once (everything else on escalation), signed with
 * a throwaway secret. Kept apart from demo-command.ts so that file only gains a few lines.
 */
import { randomBytes } from 'node:crypto';
import type pino from 'pino';
import { resolveRouting } from '../notify/load-routing.js';
import { loadNotifyConfig } from '../notify/notify-config.js';
import { startVerifyReceiver } from '../notify/verify-receiver.js';
import { type RunningNotify, startNotify } from './notify-command.js';

export interface DemoNotify {
  /** e.g. "12 police notifications accepted by the local receiver (0 duplicates)". */
  summary(): string;
  stop(): Promise<void>;
}

export async function startDemoNotify(opts: {
  brokers: readonly string[];
  alertsTopic: string;
  stamp: string;
  logger: pino.Logger;
  print: (line: string) => void;
}): Promise<DemoNotify> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = await startVerifyReceiver({
    host: '127.0.0.1',
    port: 0,
    path: '/police',
    secrets: [secret],
    print: (line) => {
      const e = JSON.parse(line) as {
        alertType: string;
        severity: string;
        incidentId: string;
        duplicate: boolean;
      };
      opts.print(
        `police <- ${e.severity} ${e.alertType} incident ${e.incidentId}${e.duplicate ? ' (duplicate)' : ''}`,
      );
    },
  });
  const config = loadNotifyConfig({
    KAFKA_BROKERS: opts.brokers.join(','),
    NOTIFY_ROUTES_FILE: '(demo, in memory)',
    TOPIC_ALERTS: opts.alertsTopic,
    TOPIC_ALERT_ACTIONS: `${opts.stamp}.alert-actions`,
    TOPIC_NOTIFICATIONS: `${opts.stamp}.notifications`,
    NOTIFY_HTTP_PORT: '0',
  });
  const routing = resolveRouting(
    {
      consoleBaseUrl: 'http://127.0.0.1:8080',
      endpoints: [
        {
          name: 'local-force',
          url: `http://127.0.0.1:${receiver.port}/police`,
          secrets: [{ env: 'DEMO_SECRET' }],
        },
      ],
      rules: [
        {
          name: 'confirmed-p1-breaches',
          mode: 'immediate',
          endpoints: ['local-force'],
          match: {
            types: ['EXCLUSION_ENTERED', 'INCLUSION_LEFT'],
            severities: ['P1'],
            certainties: ['confirmed'],
          },
        },
        { name: 'on-escalation', mode: 'escalation', endpoints: ['local-force'], match: {} },
      ],
    },
    { DEMO_SECRET: secret },
  );
  const notify: RunningNotify = await startNotify(config, routing, { logger: opts.logger });
  await notify.started;
  return {
    summary: () =>
      `  police notifications accepted by the local verify-receiver: ${receiver.accepted} (${receiver.duplicates} duplicates)`,
    async stop() {
      await notify.stop();
      await receiver.close();
    },
  };
}
