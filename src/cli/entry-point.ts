import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * True when the module at `moduleUrl` is the script node was started with (`argv1`, i.e.
 * process.argv[1]).
 *
 * npm never runs a package's bin by its own path: `npx fenceline`, `npm link`, `npm install -g`
 * and `node_modules/.bin/fenceline` all start node on a symlink, and process.argv[1] is the
 * symlink's path while import.meta.url is the file it resolves to. So both sides are compared
 * after resolving symlinks (and relative paths) to the real file.
 */
export function isEntryPoint(moduleUrl: string, argv1: string | undefined): boolean {
  if (argv1 === undefined || argv1 === '' || !moduleUrl.startsWith('file:')) return false;
  return realPath(fileURLToPath(moduleUrl)) === realPath(argv1);
}

function realPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    // A path that does not exist (yet) cannot be a symlink to us; compare it as written.
    return absolute;
  }
}
