// The desktop app end to end with Playwright's Electron driver. Electron's binary is downloaded
// from GitHub when `npm install` runs; where that could not happen the suite is skipped (and says so).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioWithParts } from '../support/studioParts.js';
import { tempDir } from '../support/studioHarness.js';
import { findElectron } from '../support/electronBinary.js';
import { waitFor } from '../support/waitFor.js';

const electronPath = findElectron();
const root = fileURLToPath(new URL('../../', import.meta.url));
const mainJs = join(root, 'dist/main/electron/main.js');
const FAKE_AGENT = join(root, 'test/fixtures/fakeAgent.mjs');

/**
 * CI containers have no setuid sandbox helper (Chromium refuses to start without it), and often
 * no display. The isolation under test here (contextIsolation, the sandboxed preload) does not
 * depend on the OS sandbox.
 */
function launchArgs(dataDir: string): string[] {
  // The package folder, as npm start runs it: Electron reads package.json's main and productName.
  const args = [root, `--user-data-dir=${dataDir}`];
  if (process.platform === 'linux') {
    args.push('--no-sandbox');
    if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) args.push('--ozone-platform=headless');
  }
  return args;
}

describe.skipIf(!electronPath)(
  electronPath
    ? 'Electron app'
    : "Electron app (skipped: Electron's binary is not installed: npm install downloads it from GitHub)",
  () => {
    let dir: string;
    let dataDir: string;
    let app: ElectronApplication;
    let page: Page;
    const output: string[] = [];

    beforeAll(async () => {
      if (!existsSync(join(root, 'dist/renderer/index.html')))
        throw new Error('The renderer is not built: npm run build (npm test does it first).');
      if (!existsSync(mainJs)) {
        const built = spawnSync(
          process.execPath,
          [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.electron.json'],
          {
            cwd: root,
            stdio: 'inherit',
          },
        );
        if (built.status !== 0) throw new Error('npm run build:electron failed');
      }
      dir = tempDir('ccstudio-electron-');
      dataDir = join(dir, 'data');
      const home = join(dir, 'home');
      mkdirSync(home);
      // A saved commander that runs the fake Claude Code, so the app starts no real `claude`.
      const seed = createStudioWithParts({ dataDir });
      seed.agents.add({
        name: 'commander',
        role: 'commander',
        commander: true,
        cwd: home,
        autostart: true,
        profile: { kind: 'command', command: process.execPath, args: [FAKE_AGENT], takesPrompts: true },
      });
      await seed.close();

      app = await _electron.launch({
        executablePath: electronPath!,
        args: launchArgs(dataDir),
        env: { ...process.env, STUDIO_DATA_DIR: dataDir, HOME: home },
        timeout: 60_000,
      });
      const collect = (b: Buffer) => output.push(b.toString());
      app.process().stdout?.on('data', collect);
      app.process().stderr?.on('data', collect);
      try {
        page = await app.firstWindow({ timeout: 60_000 });
      } catch (err) {
        throw new Error(`No window. The app said:\n${output.join('')}`, { cause: err });
      }
    });

    afterAll(async () => {
      try {
        await app?.close().catch(() => {});
      } finally {
        app?.process().kill('SIGKILL');
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    });

    it('is named as installed, so its data folder is the one ccstudio uses', async () => {
      expect(await app.evaluate(({ app: electronApp }) => electronApp.getName())).toBe('Claude Code Studio');
    });

    it('opens the studio window with its title', async () => {
      await page.waitForLoadState('domcontentloaded');
      expect(await page.title()).toContain('Claude Code Studio');
      expect(page.url()).toMatch(/^file:.*\/dist\/renderer\/index\.html/);
    });

    it('isolates the page: no Node, and the bridge is exactly send/onMessage', async () => {
      const seen = await page.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        const bridge = w.studioPipe as Record<string, unknown> | undefined;
        return {
          require: typeof w.require,
          process: typeof w.process,
          module: typeof w.module,
          bridge: bridge ? Object.keys(bridge).sort() : null,
          types: bridge ? [typeof bridge.send, typeof bridge.onMessage] : null,
        };
      });
      expect(seen).toEqual({
        require: 'undefined',
        process: 'undefined',
        module: 'undefined',
        bridge: ['onMessage', 'send'],
        types: ['function', 'function'],
      });
      // getLastWebPreferences is real but undocumented, so Electron's typings leave it out.
      type Prefs = { contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean };
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
          getLastWebPreferences(): Prefs;
        };
        const p = wc.getLastWebPreferences();
        return {
          contextIsolation: p.contextIsolation,
          sandbox: p.sandbox,
          nodeIntegration: p.nodeIntegration,
        };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    });

    it("shows the commander's tile, fed over the IPC pipe", async () => {
      await page.locator('[data-testid="tile-commander"]').waitFor({ timeout: 30_000 });
    });

    it('refuses to navigate away from the app', async () => {
      const before = page.url();
      await page.evaluate(() => {
        window.location.href = 'file:///etc/passwd';
      });
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(page.url()).toBe(before);
      await page.locator('[data-testid="tile-commander"]').waitFor();
    });

    it('stops the studio when it quits', async () => {
      expect(existsSync(join(dataDir, 'studio.json'))).toBe(true);
      await app.close();
      await waitFor('studio.json removed', () => !existsSync(join(dataDir, 'studio.json')), {
        timeoutMs: 20_000,
      });
    });
  },
);
