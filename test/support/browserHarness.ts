// Browser-mode harness: a real headless studio (serve, real PTYs running the fake Claude Code)
// and Debian's Chromium driven by playwright-core against the UI it serves.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findUiDir, startStudioHost, type RunningStudio } from '../../main/host/studioHost.js';
import { silentLogger } from '../../main/core/util/logger.js';
import { writeFakeClaude } from './fakeAgentStudio.js';
import { withParts, type StudioWithParts } from './studioParts.js';
import { tempDir } from './studioHarness.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags DESIGN.md lists for Chromium on these machines (no sandbox as root, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'screenshots');

/** Fails with what to do, rather than a vague timeout, when a prerequisite is missing. */
export function browserPrerequisites(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH).`);
  if (!findUiDir()) throw new Error('The renderer is not built: npm run build (npm test does it first).');
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface BrowserStudio {
  running: RunningStudio;
  /** The studio the host runs, with the services behind its handle in reach. */
  core: StudioWithParts;
  dataDir: string;
  /** The team's folder (teamCwd): a folder of the test's own. */
  project: string;
  close(): Promise<void>;
}

/** `ccstudio serve --agents N` in this process, on a free port, with the fake Claude Code. */
export async function startBrowserStudio(agents = 1, env: NodeJS.ProcessEnv = {}): Promise<BrowserStudio> {
  browserPrerequisites();
  const dataDir = tempDir('ccstudio-browser-');
  const home = join(dataDir, 'home');
  mkdirSync(home);
  // The team's folder: a project of the test's own, never the checkout the tests run in (an agent
  // added from the dialog would otherwise get a worktree of the studio's own repository).
  const project = tempDir('ccstudio-browser-project-');
  const running = await startStudioHost({
    dataDir,
    port: 0,
    agents,
    teamCwd: project,
    logger: silentLogger,
    claudeCommand: writeFakeClaude(join(dataDir, 'bin')),
    env: { ...process.env, HOME: home, ...env },
  });
  return { running, core: withParts(running.studio), dataDir, project, close: () => running.stop() };
}

/** Text a tile shows, read from its xterm buffer (the WebGL renderer draws to a canvas). */
export function tileText(page: Page, name: string): Promise<string | null> {
  return page.evaluate(
    (n) =>
      (window as unknown as { __studioTileText?: (n: string) => string | null }).__studioTileText?.(n) ??
      null,
    name,
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
