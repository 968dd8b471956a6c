import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Same folder name Electron's app.getPath('userData') gives the packaged app, so both share one store. */
export const PRODUCT_NAME = 'Claude Code Studio';
export const DATABASE_FILE = 'studio.db';
export const STUDIO_INFO_FILE = 'studio.json';
/** Held locked for a studio's whole life: one studio per data folder (see studioLock.ts). */
export const LOCK_FILE = 'studio.lock';
/** Pages that hand a browser a one-time link without putting it on a command line (see openLink.ts). */
export const UI_LINKS_DIR = 'ui-links';
/** The data folder holds tokens and every message: only its owner may enter it. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** --data beats STUDIO_DATA_DIR beats the per-user app data folder. */
export function resolveDataDir(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (flag) return resolve(flag);
  if (env.STUDIO_DATA_DIR) return resolve(env.STUDIO_DATA_DIR);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}

/** The studio's own entries in a data folder: the only things it ever chmods there. */
const OWN_ENTRY = /^(studio\.(db|json|lock|log)(\b.*)?|agents|ui-token|ui-links)$/;

/**
 * Makes the data folder private whatever the umask: the folder 0700, and the studio's own files in
 * it (database, its WAL and backups, studio.json, the lock, the log, agents' launch files) 0600 and their
 * folders 0700, including what an older build or a copied folder left wider. It changes only what
 * the current user owns, never follows a symbolic link, and never makes a shared folder (sticky,
 * like /tmp) or the home folder itself private, should --data point at one. Anything else a
 * person keeps there is left alone.
 */
export function securePrivateTree(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const uid = process.getuid?.();
  const mine = (st: Stats) => uid === undefined || st.uid === uid;
  const chmod = (path: string, mode: number) => {
    try {
      chmodSync(path, mode);
    } catch {
      // Not ours to change after all (another user's file, a read-only mount): left as it is.
    }
  };
  const tighten = (path: string): void => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink() || !mine(st)) return;
    if (st.isDirectory()) {
      if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) chmod(path, PRIVATE_DIR_MODE);
      for (const entry of readdirSync(path)) tighten(join(path, entry));
    } else if (st.isFile() && (st.mode & 0o777) !== PRIVATE_FILE_MODE) {
      chmod(path, PRIVATE_FILE_MODE);
    }
  };
  const root = realpathSync(dir);
  const st = statSync(root);
  const shared = (st.mode & 0o1000) !== 0 || root === realpathSync(homedir()) || root === '/';
  if (mine(st) && !shared && (st.mode & 0o777) !== PRIVATE_DIR_MODE) chmod(root, PRIVATE_DIR_MODE);
  for (const entry of readdirSync(root)) if (OWN_ENTRY.test(entry)) tighten(join(root, entry));
}
