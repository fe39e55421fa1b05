// Where the key vault's master key comes from: SWITCHBOARD_MASTER_KEY, else the file `switchboard init` writes in the
// data directory (mode 0600), so that a gateway set up by init starts without a variable to export.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../config/load.js';
import { SetupError } from '../errors.js';
import { dataDirFromEnv } from '../storage/index.js';

/** The master key file's name in the data directory. */
const MASTER_KEY_FILE = 'master.key';

/** The master key, if any, and where it came from. */
export interface MasterKey {
  key: string | undefined;
  source: 'env' | 'file' | 'none';
  /** The master key file of this environment (read when the variable is unset; it may not exist). */
  file: string;
}

/** `$SWITCHBOARD_DATA_DIR/master.key` (default `./.switchboard/master.key`). */
function masterKeyFile(env: Env): string {
  return path.join(dataDirFromEnv(env), MASTER_KEY_FILE);
}

/**
 * SWITCHBOARD_MASTER_KEY when set, else the master key file when it exists. A file other users may read is refused
 * (as ssh refuses such a private key): the key in it opens every stored provider key.
 * @throws SetupError naming the file, when it cannot be read, is empty or is readable by others.
 */
export function readMasterKey(env: Env): MasterKey {
  const file = masterKeyFile(env);
  const fromEnv = env['SWITCHBOARD_MASTER_KEY'];
  if (fromEnv) return { key: fromEnv, source: 'env', file };
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { key: undefined, source: 'none', file };
    throw new SetupError(`cannot read the master key file ${file}: ${(err as Error).message}`);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw new SetupError(
      `the master key file ${file} may be read by other users (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${file}`,
    );
  const key = readFileSync(file, 'utf8').trim();
  if (key === '')
    throw new SetupError(`the master key file ${file} is empty: delete it, or set SWITCHBOARD_MASTER_KEY`);
  return { key, source: 'file', file };
}

/**
 * Writes a new random master key to the master key file (mode 0600, its directory 0700) and returns it. Never
 * replaces a file that exists: the keys stored under it would become unreadable.
 */
export function createMasterKeyFile(env: Env): MasterKey {
  const file = masterKeyFile(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: 'file', file };
}
