// `npm start`'s second half (scripts/start.mjs, run after the build): where Electron's binary is
// missing, as here, it says so and serves the same UI in browser mode with a first team, and
// Ctrl-C stops the studio cleanly. Where the binary exists it opens the window instead
// (test/electron/app.e2e.test.ts covers that).
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectron } from '../support/electronBinary.js';
import { afterEach, describe, expect, it } from 'vitest';
import { waitExit } from '../support/cliProcess.js';
import { tempDir } from '../support/studioHarness.js';
import { waitFor } from '../support/waitFor.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where Electron's binary is installed, npm start and the postinstall use it instead. */
const electronInstalled = findElectron() !== undefined;

const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe("npm start without Electron's binary", () => {
  it.skipIf(electronInstalled)(
    'says so, serves the UI with a first team at the printed link, and stops on Ctrl-C',
    async () => {
      const dataDir = tempDir();
      // Only node on PATH: no xdg-open to launch a real browser, no `claude` (nothing starts anyway).
      const child = spawn(
        process.execPath,
        ['scripts/start.mjs', '--port', '0', '--data', dataDir, '--no-start'],
        {
          cwd: root,
          env: { ...process.env, PATH: dirname(process.execPath) },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor('the studio link', () => /Open the studio:\s+\S+/.test(out), { timeoutMs: 30_000 });
      expect(out).toMatch(/Electron's binary is not installed here/);
      expect(out).toMatch(/browser mode/);
      const link = /Open the studio:\s+(\S+)/.exec(out)![1]!;
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="root"');
      // The first team, as a newcomer's first run gets it.
      const base = new URL(link);
      const token = base.searchParams.get('token');
      const status = await fetch(new URL('/health', base));
      expect(status.ok).toBe(true);
      expect(token).toMatch(/^ccsu_/);
      // Read the shared database directly and read-only (WAL lets a reader in beside the studio).
      const db = new Database(join(dataDir, 'studio.db'), { readonly: true });
      try {
        const names = (
          db.prepare('SELECT name FROM agents WHERE removed_at IS NULL').all() as Array<{ name: string }>
        ).map((r) => r.name);
        expect(names).toEqual(expect.arrayContaining(['commander', 'agent-1', 'agent-2']));
      } finally {
        db.close();
      }
      child.kill('SIGINT');
      expect(await waitExit(child)).toBe(0);
    },
    60_000,
  );
});
