// Browser-mode harness: a real headless studio (serve, real PTYs running the fake Claude Code)
// and Debian's Chromium driven by playwright-core against the UI it serves.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
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

/**
 * After a drop, dnd-kit keeps listeners on the document for this long (@dnd-kit/core's pointer
 * sensor, detach()): one stops clicks' propagation, one clears every selection, and text that
 * Playwright fills in then is lost (seen: 4 fills of 6 made right after a drop left the box empty).
 */
const DND_KIT_CLEANUP_MS = 50;

/**
 * Drags `from` onto `to` the way a hand does (dnd-kit starts after a few pixels), and returns once
 * the page has run the cleanup the drop scheduled: a timer set after it, for longer, runs after it.
 */
export async function dragOnto(
  page: Page,
  from: Locator,
  to: Locator,
  whileDragging?: () => Promise<unknown>,
): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 - 20, a.y + a.height / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 20 });
  await whileDragging?.();
  await page.mouse.up();
  await page.evaluate((ms) => new Promise((resolve) => setTimeout(resolve, ms)), DND_KIT_CLEANUP_MS + 10);
}
