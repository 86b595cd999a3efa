/**
 * Local console users in a JSON file: name, role and a scrypt hash (node:crypto, memory-hard,
 * built in, so no native dependency). The parameters are stored with each hash so they can be
 * raised later without invalidating old entries. Verification costs the same for an unknown user
 * as for a known one, so timing does not reveal who exists.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConsoleRole } from '../contract/index.js';

export const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

const ScryptParams = z.object({ N: z.number().int(), r: z.number().int(), p: z.number().int() });
const UserEntry = z.object({
  name: z.string().regex(USER_NAME),
  role: ConsoleRole,
  scrypt: ScryptParams,
  salt: z.string().min(1),
  hash: z.string().min(1),
});
export type UserEntry = z.infer<typeof UserEntry>;
const UsersFile = z.object({ users: z.array(UserEntry) });

/** ~64 MiB and ~100 ms per hash here: memory-hard enough to make offline guessing costly. */
const PARAMS = { N: 2 ** 16, r: 8, p: 1 };
const KEY_LEN = 32;

function scrypt(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(
      password,
      salt,
      KEY_LEN,
      { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(name: string, role: ConsoleRole, password: string): Promise<UserEntry> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, PARAMS);
  return { name, role, scrypt: PARAMS, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

const DUMMY_SALT = randomBytes(16);

/** The user when name and password match, else undefined (after the same amount of work). */
export async function verifyUser(
  users: readonly UserEntry[],
  name: string,
  password: string,
): Promise<UserEntry | undefined> {
  const user = users.find((u) => u.name === name);
  if (user === undefined) {
    await scrypt(password, DUMMY_SALT, PARAMS);
    return undefined;
  }
  const key = await scrypt(password, Buffer.from(user.salt, 'base64'), user.scrypt);
  const expected = Buffer.from(user.hash, 'base64');
  return key.length === expected.length && timingSafeEqual(key, expected) ? user : undefined;
}

/** Reads the users file; a missing file is an empty list, a malformed one an error naming the field. */
export async function readUsers(path: string): Promise<UserEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`users file ${path}: not JSON`);
  }
  const parsed = UsersFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`users file ${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data.users;
}

/** Writes atomically (temp file + rename) with mode 0600: the hashes are secrets too. */
export async function writeUsers(path: string, users: readonly UserEntry[]): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}
