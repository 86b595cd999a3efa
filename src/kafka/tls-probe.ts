/**
 * One TLS handshake with the first broker, before kafkajs starts: kafkajs treats a certificate
 * it cannot verify as a retriable connection error and would retry for minutes, while an
 * untrusted certificate never fixes itself. So start-up fails at once with the verification
 * code, and explainKafkaFailure turns it into one line. A broker that is not up yet (refused,
 * timeout) is left to kafkajs' retries: the probe then resolves quietly.
 */
import { connect } from 'node:tls';
import type { KafkaConnectionConfig } from './connection.js';

export class TlsVerifyError extends Error {
  override readonly name = 'TlsVerifyError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export function probeTls(connection: KafkaConnectionConfig, timeoutMs = 5_000): Promise<void> {
  const tls = connection.tls;
  const first = connection.brokers[0];
  if (!tls || first === undefined) return Promise.resolve();
  const i = first.lastIndexOf(':');
  const host = first.slice(0, i);
  const port = Number(first.slice(i + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ...(/^[\d.]+$/.test(host) ? {} : { servername: host }),
      rejectUnauthorized: true,
      ...(tls.ca !== undefined ? { ca: [tls.ca] } : {}),
      ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
      ...(tls.key !== undefined ? { key: tls.key } : {}),
    });
    const done = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(), timeoutMs);
    socket.once('secureConnect', () => done());
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      // Only verification failures are final; anything else is kafkajs' business.
      if (/CERT|SELF_SIGNED|UNABLE_TO|ALTNAME/.test(code)) done(new TlsVerifyError(err.message, code));
      else done();
    });
  });
}
