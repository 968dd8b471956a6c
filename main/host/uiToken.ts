// The UI token outlives a restart: a tab left open across one reconnects by itself instead of
// asking for a new link. It lives in the data folder beside studio.json, private to the user.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const UI_TOKEN_FILE = 'ui-token';
const UI_TOKEN_PREFIX = 'ccsu_';
/** As random as an agent's token. */
const UI_TOKEN_BYTES = 24;
const UI_TOKEN_SHAPE = /^ccsu_[A-Za-z0-9_-]{32}$/;

/** The data folder's UI token, made on first use (or when the file is missing or damaged). */
export function loadOrCreateUiToken(dataDir: string): string {
  const file = join(dataDir, UI_TOKEN_FILE);
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (UI_TOKEN_SHAPE.test(saved)) return saved;
  } catch {
    // None yet: make one.
  }
  const token = UI_TOKEN_PREFIX + randomBytes(UI_TOKEN_BYTES).toString('base64url');
  rmSync(file, { force: true });
  writeFileSync(file, token + '\n', { mode: 0o600, flag: 'wx' });
  return token;
}

/** Forgets it: every open tab and printed link stops working at the next start. */
export function revokeUiToken(dataDir: string): void {
  rmSync(join(dataDir, UI_TOKEN_FILE), { force: true });
}
