// `ccstudio open` and `serve --open`: the studio's UI in the person's browser. Printed, the link
// carries the UI token (the person's own terminal). Handed to a browser, nothing secret goes on a
// command line, where every local user can read it (/proc/PID/cmdline of the opener, and of the
// browser for as long as it runs): the browser is handed a private page's file:// address, and
// the page sends it on to a one-time code (in the fragment, never sent over HTTP), which the tab
// trades for a session of its own.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STUDIO_PATHS } from '../../contract/urls.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, UI_LINKS_DIR } from '../../core/store/dataDir.js';
import { isProcessAlive, readStudioInfo, type StudioInfo } from '../../core/studioInfo.js';
import { TAB_CODE_TTL_MS } from '../../core/tabs/tabSessions.js';

/** A desktop to open a browser on: macOS always; elsewhere an X or Wayland display. */
export function canOpenBrowser(env: NodeJS.ProcessEnv, platform = process.platform): boolean {
  return platform === 'darwin' || !!(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** The running studio of this data folder, if one runs. */
export function runningStudio(dataDir: string): StudioInfo | undefined {
  const info = readStudioInfo(dataDir);
  return info && isProcessAlive(info.pid) ? info : undefined;
}

/** The link with the UI token: good until the token is revoked. */
export function tokenLink(info: StudioInfo): string {
  return `${info.baseUrl}/?token=${info.uiToken}`;
}

/** The UI's address with a one-time code, in the fragment so no request ever carries it. */
export function codeLink(baseUrl: string, code: string): string {
  return `${baseUrl}/#code=${code}`;
}

/** A one-time code from the running studio (its admin token asks for it). */
export async function fetchUiCode(info: StudioInfo): Promise<string> {
  const res = await fetch(info.baseUrl + STUDIO_PATHS.uiCode, {
    method: 'POST',
    headers: { authorization: `Bearer ${info.adminToken}` },
  });
  if (!res.ok) throw new Error(`The studio did not give a link (HTTP ${res.status}).`);
  const { code } = (await res.json()) as { code?: unknown };
  if (typeof code !== 'string') throw new Error('The studio answered without a code.');
  return code;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page: it replaces itself with the link at once (no history entry to go back to). */
function openPage(link: string): string {
  const href = escapeHtml(link);
  // Inside <script>, "</" could end it early; the link has none, but JSON cannot promise that.
  const script = JSON.stringify(link).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<title>Claude Code Studio</title>
<meta http-equiv="refresh" content="0;url=${href}">
<script>location.replace(${script});</script>
</head><body><p><a href="${href}">Open Claude Code Studio</a></p></body></html>
`;
}

/**
 * Writes a page that sends a browser to `link` and returns its file:// address. The page is 0600
 * in a 0700 folder of the data folder (only this user can read the code in it); pages whose code
 * has expired are removed on the way.
 */
export function writeOpenPage(dataDir: string, link: string, now = Date.now()): string {
  const dir = join(dataDir, UI_LINKS_DIR);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const st = lstatSync(dir);
  if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()))
    throw new Error(`${dir} is not a folder of yours: remove it and try again.`);
  if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
  for (const name of readdirSync(dir)) {
    const page = join(dir, name);
    const old = lstatSync(page, { throwIfNoEntry: false });
    if (old && now - old.mtimeMs > TAB_CODE_TTL_MS) rmSync(page, { force: true });
  }
  const file = join(dir, `open-${randomBytes(8).toString('hex')}.html`);
  // 'wx': never follows or reuses whatever is at that name.
  writeFileSync(file, openPage(link), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  return pathToFileURL(file).href;
}

/** Best effort: resolves false when there is no opener (no desktop, no xdg-open). */
export function openInBrowser(url: string, platform = process.platform): Promise<boolean> {
  const opener = platform === 'darwin' ? 'open' : 'xdg-open';
  return new Promise((resolve) => {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
