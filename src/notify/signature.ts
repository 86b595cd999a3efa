/**
 * Standard Webhooks v1 signatures: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`,
 * one per secret, space-separated, so a receiver that has the old or the new key during a
 * rotation verifies either. The key is the base64-decoded part after `whsec_`.
 *
 * Written against the spec with node:crypto; the tests verify it with the `standardwebhooks`
 * package, which none of us wrote.
 */
import { createHmac } from 'node:crypto';

const PREFIX = 'whsec_';
/** The spec asks for 24..64 random bytes; fewer is refused at start-up. */
const MIN_KEY_BYTES = 24;

/** Thrown for a malformed secret. The message never contains the secret. */
export class SecretFormatError extends Error {
  override readonly name = 'SecretFormatError';
}

export function decodeSecret(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new SecretFormatError('must start with whsec_');
  const b64 = secret.slice(PREFIX.length).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new SecretFormatError('must be whsec_ followed by base64');
  const key = Buffer.from(b64, 'base64');
  if (key.length < MIN_KEY_BYTES)
    throw new SecretFormatError(`must decode to at least ${MIN_KEY_BYTES} bytes, got ${key.length}`);
  return key;
}

export function signatureHeader(
  keys: readonly Buffer[],
  webhookId: string,
  timestampS: number,
  body: string,
): string {
  const content = `${webhookId}.${timestampS}.${body}`;
  return keys.map((key) => `v1,${createHmac('sha256', key).update(content).digest('base64')}`).join(' ');
}
