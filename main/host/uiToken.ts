// The UI token outlives a restart: the link `serve` prints stays good, so it can be bookmarked. A tab
// trades it for a session of its own (main/core/tabs/tabSessions.ts), which the tab reconnects with.
// It lives in the data folder beside studio.json, private to the user.
import { randomBytes } from 'node:crypto';
import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const UI_TOKEN_FILE = 'ui-token';
const UI_TOKEN_PREFIX = 'ccsu_';
/** As random as an agent's token. */
const UI_TOKEN_BYTES = 24;
const UI_TOKEN_SHAPE = /^ccsu_[A-Za-z0-9_-]{32}$/;

/**
 * A saved token is used only from a plain file of this user's that nobody else can read or
 * write: one planted by someone else (in a shared folder --data points at) would let them in.
 */
function trusted(file: string): boolean {
  try {
    const st = lstatSync(file);
    const uid = process.getuid?.();
    return st.isFile() && (uid === undefined || st.uid === uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/**
 * The data folder's UI token, made on first use (or when the file is missing, damaged or not
 * trusted); `onNew` runs when a new one was made, so whatever the old one let in can go with it.
 */
export function loadOrCreateUiToken(dataDir: string, onNew?: () => void): string {
  const file = join(dataDir, UI_TOKEN_FILE);
  if (trusted(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (UI_TOKEN_SHAPE.test(saved)) return saved;
  }
  const token = UI_TOKEN_PREFIX + randomBytes(UI_TOKEN_BYTES).toString('base64url');
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, token + '\n', { mode: 0o600, flag: 'wx' });
  // A rename replaces whatever was there (a symlink included) without following it.
  renameSync(tmp, file);
  onNew?.();
  return token;
}

/** Forgets it: every printed link, and every tab let in (see studioHost), stops working at the next start. */
export function revokeUiToken(dataDir: string): void {
  rmSync(join(dataDir, UI_TOKEN_FILE), { force: true });
}
