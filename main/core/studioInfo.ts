import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StudioUrls } from '../contract/urls.js';
import { STUDIO_INFO_FILE } from './store/dataDir.js';
import { studioVersion } from './version.js';

/** What a running `ccstudio serve` leaves in its data folder for the other commands. */
export interface StudioInfo {
  pid: number;
  host: string;
  port: number;
  /** `http://host:port`: every endpoint's URL follows from it (contract/urls.ts). */
  baseUrl: string;
  mcpUrl: string;
  sseUrl: string;
  apiUrl: string;
  adminToken: string;
  /** For the UI's WebSocket (/ui?token=...). */
  uiToken: string;
  startedAt: string;
  version: string;
}

/** What this process, serving at `urls` with these tokens, writes for the other commands. */
export function studioInfoFor(
  host: string,
  urls: StudioUrls,
  tokens: { adminToken: string; uiToken: string },
): StudioInfo {
  return {
    pid: process.pid,
    host,
    port: Number(new URL(urls.base).port),
    baseUrl: urls.base,
    mcpUrl: urls.mcp,
    sseUrl: urls.sse,
    apiUrl: urls.api,
    ...tokens,
    startedAt: new Date().toISOString(),
    version: studioVersion(),
  };
}

export function writeStudioInfo(dataDir: string, info: StudioInfo): void {
  const file = join(dataDir, STUDIO_INFO_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  // 0600: the admin token in it drives the whole studio.
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

export function readStudioInfo(dataDir: string): StudioInfo | undefined {
  const file = join(dataDir, STUDIO_INFO_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StudioInfo;
  } catch {
    return undefined;
  }
}

export function removeStudioInfo(dataDir: string, pid: number): void {
  const info = readStudioInfo(dataDir);
  if (info && info.pid === pid) rmSync(join(dataDir, STUDIO_INFO_FILE), { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
