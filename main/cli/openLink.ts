// `ccstudio open`: a current link to the running studio's UI, at any time. Printed, it carries
// the UI token (the person's own terminal); handed to a browser, whose command line every local
// process can read, it carries a one-time code instead.
import { spawn } from 'node:child_process';
import { STUDIO_PATHS } from '../contract/urls.js';
import { isProcessAlive, readStudioInfo, type StudioInfo } from '../core/studioInfo.js';

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

/** A one-time link (a code the page trades for the token once, within a minute). */
export async function oneTimeLink(info: StudioInfo): Promise<string> {
  const res = await fetch(info.baseUrl + STUDIO_PATHS.uiCode, {
    method: 'POST',
    headers: { authorization: `Bearer ${info.adminToken}` },
  });
  if (!res.ok) throw new Error(`The studio did not give a link (HTTP ${res.status}).`);
  const { code } = (await res.json()) as { code?: unknown };
  if (typeof code !== 'string') throw new Error('The studio answered without a code.');
  return `${info.baseUrl}/?code=${code}`;
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
