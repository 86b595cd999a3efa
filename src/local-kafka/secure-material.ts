/**
 * What a secured local broker needs, made once per state dir and kept there (a restart reuses
 * it): a throw-away CA and a broker certificate (openssl; nothing downloaded), and one random
 * SCRAM password per user, each in its own 0600 file under secrets/.
 *
 * Passwords go to files, never to the terminal: a printed password lives on in scrollback and CI
 * logs, while a file plugs straight into KAFKA_SASL_PASSWORD_FILE (the same shape as a mounted
 * secret in production). The CA's private key is deleted after signing, so nothing else can ever
 * be signed by this CA.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalKafkaError } from './errors.js';

/** The broker's own identity (inter-broker SASL) and the super user that manages ACLs and topics. */
export const BROKER_USER = 'fenceline-broker';
export const ADMIN_USER = 'fenceline-admin';
/** One SCRAM user per Fenceline client, created at storage format; ACLs decide what each may do. */
export const CLIENT_USERS = [
  'fenceline-worker',
  'fenceline-simulator',
  'fenceline-console',
  'fenceline-notifier',
] as const;
export const SCRAM_MECHANISM = 'SCRAM-SHA-512';
/** The controller listener uses mutual TLS; this is the principal the broker's certificate maps to. */
export const BROKER_CERT_PRINCIPAL = 'User:CN=fenceline-broker';

export interface SecureMaterial {
  dir: string;
  /** The CA clients must trust (KAFKA_SSL_CA_FILE). */
  caFile: string;
  /** Broker key + certificate + CA, PEM: Kafka's ssl.keystore.type=PEM. */
  keystoreFile: string;
  /** user -> password file (0600). Includes the broker and admin users. */
  passwordFiles: Record<string, string>;
}

const run = promisify(execFile);

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    const why = e.code === 'ENOENT' ? 'openssl is not on PATH' : (e.stderr ?? String(err)).trim().slice(-500);
    throw new LocalKafkaError(
      'FL_KAFKA_TLS_FAILED',
      `making the local CA and broker certificate failed: ${why}`,
    );
  }
}

async function makeCertificates(dir: string): Promise<void> {
  const days = '30';
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      days,
      '-subj',
      '/CN=fenceline-local-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'broker.key',
      '-out',
      'broker.csr',
      '-subj',
      '/CN=fenceline-broker',
    ],
    dir,
  );
  // 127.0.0.1 and localhost: clients verify the name they dialled. clientAuth too: the broker
  // presents this certificate to its own controller listener (mutual TLS, no anonymous principal).
  await writeFile(
    join(dir, 'broker.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'broker.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'broker.pem',
      '-days',
      days,
      '-extfile',
      'broker.ext',
    ],
    dir,
  );
  const [key, cert, ca] = await Promise.all(
    ['broker.key', 'broker.pem', 'ca.pem'].map((f) => readFile(join(dir, f), 'utf8')),
  );
  await writeFile(join(dir, 'broker-keystore.pem'), `${key}${cert}${ca}`, { mode: 0o600 });
  await chmod(join(dir, 'broker.key'), 0o600);
  for (const f of ['ca.key', 'ca.srl', 'broker.csr', 'broker.ext']) await rm(join(dir, f), { force: true });
}

async function ensurePassword(file: string): Promise<void> {
  if (existsSync(file)) return;
  // base64url: no characters that need escaping in a JAAS line or a StorageTool argument.
  await writeFile(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
}

export async function ensureSecureMaterial(stateDir: string): Promise<SecureMaterial> {
  const dir = join(stateDir, 'tls');
  const secrets = join(stateDir, 'secrets');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await mkdir(secrets, { recursive: true, mode: 0o700 });
  if (!existsSync(join(dir, 'broker-keystore.pem'))) await makeCertificates(dir);
  const passwordFiles: Record<string, string> = {};
  for (const user of [BROKER_USER, ADMIN_USER, ...CLIENT_USERS]) {
    passwordFiles[user] = join(secrets, `${user}.password`);
    await ensurePassword(passwordFiles[user]);
  }
  return { dir, caFile: join(dir, 'ca.pem'), keystoreFile: join(dir, 'broker-keystore.pem'), passwordFiles };
}

export async function readPassword(file: string): Promise<string> {
  return (await readFile(file, 'utf8')).trim();
}
