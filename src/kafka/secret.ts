/**
 * A value that must never reach a log line, an error message or JSON: the SASL password.
 * Only `reveal()` returns the text, and only the connection module calls it (to hand the value to
 * kafkajs). String(), JSON.stringify, util.inspect and pino all see `[redacted]`.
 */
import { inspect } from 'node:util';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
