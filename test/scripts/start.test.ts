// `npm start`'s second half (scripts/start.mjs, run after the build): where Electron's binary is
// missing, as here, it says so and serves the same UI in browser mode (whose first-run screen
// asks where the team works), and
// Ctrl-C stops the studio cleanly and says so. Where the binary exists it opens the window instead
// (test/electron/app.e2e.test.ts covers that).
import Database from 'better-sqlite3';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareVersions } from '../../main/core/claude/claudeVersion.js';
import { findElectron } from '../support/electronBinary.js';
import { afterEach, describe, expect, it } from 'vitest';
import { waitExit } from '../support/cliProcess.js';
import { tempDir } from '../support/studioHarness.js';
import { skipTitle } from '../support/skipReason.js';
import { waitFor } from '../support/waitFor.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where Electron's binary is installed, npm start and the postinstall use it instead. */
const electronInstalled = findElectron() !== undefined;
/** The Node the locked Electron asks for (its engines field, ">= X.Y.Z"); npm skips it on an older one. */
const electronWantsNode =
  /(\d+\.\d+\.\d+)/.exec(
    (
      JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { engines?: { node?: string } }>;
      }
    ).packages['node_modules/electron']?.engines?.node ?? '',
  )?.[1] ?? '0.0.0';
const electronLeftOut = compareVersions(process.versions.node, electronWantsNode) < 0;

/** The running studio's admin token, from the studio.json it wrote. */
const readStudioAdminToken = (dataDir: string): string =>
  (JSON.parse(readFileSync(join(dataDir, 'studio.json'), 'utf8')) as { adminToken: string }).adminToken;

const children: Array<ReturnType<typeof spawn>> = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe("npm start without Electron's binary", () => {
  const electronHere = electronInstalled
    ? 'Electron is installed here, so npm start opens the app'
    : undefined;
  it.skipIf(electronHere)(
    skipTitle(
      'says so, serves the UI at the printed link, asks where the team works, and stops on Ctrl-C',
      electronHere,
    ),
    async () => {
      const dataDir = tempDir();
      // Only node on PATH: no xdg-open to launch a real browser, no `claude` (nothing starts anyway).
      const project = tempDir('ccstudio-project-');
      mkdirSync(join(project, 'app'));
      const child = spawn(
        process.execPath,
        // A relative folder is the person's, not the package's: npm start -- --cwd app.
        ['scripts/start.mjs', '--port', '0', '--data', dataDir, '--no-start', '--cwd', 'app'],
        {
          cwd: root,
          // As npm runs it: in the package's folder, with the person's folder in INIT_CWD.
          env: {
            ...process.env,
            PATH: dirname(process.execPath),
            INIT_CWD: project,
            npm_lifecycle_event: 'start',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor('the studio link', () => /Open the studio:\s+\S+/.test(out), { timeoutMs: 30_000 });
      // An Electron that asks for a newer Node than this one was left out by npm install, and that is said.
      expect(out).toMatch(
        electronLeftOut
          ? new RegExp(
              `npm install left out Electron \\S+: it asks for Node ${electronWantsNode.replace(/\./g, '\\.')} or newer`,
            )
          : /Electron's binary is not installed here/,
      );
      expect(out).toMatch(/browser mode/);
      const link = /Open the studio:\s+(\S+)/.exec(out)![1]!;
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="root"');
      // No team yet: the page asks, suggesting the folder npm start was run in.
      expect(out).toContain(
        `No team yet: the studio's page asks where it works (suggesting ${join(project, 'app')}`,
      );
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
        expect(names).toEqual(['user']);
      } finally {
        db.close();
      }
      const choices = await fetch(new URL('/api/rpc', base), {
        method: 'POST',
        headers: { authorization: `Bearer ${readStudioAdminToken(dataDir)}` },
        body: JSON.stringify({ method: 'folderChoices', params: [] }),
      });
      expect(((await choices.json()) as { result: { suggested: string } }).result.suggested).toBe(
        join(project, 'app'),
      );
      child.kill('SIGINT');
      expect(await waitExit(child)).toBe(0);
      expect(out.trimEnd().split('\n').at(-1)).toBe(`Claude Code Studio stopped (data in ${dataDir}).`);
    },
    60_000,
  );
});

/** The running studio's service over /api/rpc, as the CLI calls it. */
async function rpc<T>(base: URL, dataDir: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(new URL('/api/rpc', base), {
    method: 'POST',
    headers: { authorization: `Bearer ${readStudioAdminToken(dataDir)}` },
    body: JSON.stringify({ method, params }),
  });
  return ((await res.json()) as { result: T }).result;
}

describe("npm start in the studio's own checkout", () => {
  const electronHere = electronInstalled
    ? 'Electron is installed here, so npm start opens the app'
    : undefined;
  it.skipIf(electronHere)(
    skipTitle('never offers the checkout as the team folder, and says why when it is typed', electronHere),
    async () => {
      const dataDir = tempDir();
      const child = spawn(
        process.execPath,
        ['scripts/start.mjs', '--port', '0', '--data', dataDir, '--no-start'],
        {
          cwd: root,
          // `npm start` typed in the checkout itself: npm names it in INIT_CWD.
          env: {
            ...process.env,
            PATH: dirname(process.execPath),
            INIT_CWD: root,
            npm_lifecycle_event: 'start',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor('the team line', () => /No team yet: .*\n/.test(out), { timeoutMs: 30_000 });
      const checkout = root.replace(/\/$/, '');
      expect(out).not.toContain(`suggesting ${checkout}`);
      expect(out).toContain(
        `No team yet: the studio's page asks where it works. The studio was started in its own folder (${checkout}), which is not offered: type your project's folder.`,
      );
      const base = new URL(/Open the studio:\s+(\S+)/.exec(out)![1]!);
      expect(await rpc(base, dataDir, 'folderChoices')).toEqual({
        suggested: '',
        note: expect.stringContaining(checkout),
        recent: [],
      });
      // Typed anyway (a developer of the studio may mean it): usable, with the reason, no plain ✓.
      expect(await rpc(base, dataDir, 'checkFolder', [join(checkout, 'main')])).toMatchObject({
        ok: true,
        problem: expect.stringContaining(`the folder this Claude Code Studio runs from (${checkout})`),
      });
      child.kill('SIGINT');
      expect(await waitExit(child)).toBe(0);
    },
    60_000,
  );
});

describe('npm start with options npm takes for itself', () => {
  /** Real npm running scripts/start.mjs as `npm start`, from a folder of its own. */
  function npmStart(args: string[]): Promise<{ code: number | null; out: string }> {
    const folder = tempDir();
    writeFileSync(
      join(folder, 'package.json'),
      JSON.stringify({
        name: 'start-probe',
        version: '1.0.0',
        scripts: { start: `node ${join(root, 'scripts/start.mjs')}` },
      }),
    );
    return new Promise((resolve) => {
      execFile('npm', ['start', ...args], { cwd: folder, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }),
      );
    });
  }

  it('refuses --port 0 without --, naming what to type, before anything starts', async () => {
    const dataDir = tempDir();
    const lone = await npmStart(['--port', '0', '--no-start']);
    expect(lone.code).not.toBe(0);
    expect(lone.out).toContain(
      'npm took --port and --no-start for itself: run npm start -- --port 0 --no-start',
    );
    const two = await npmStart(['--port', '0', '--data', dataDir]);
    expect(two.code).not.toBe(0);
    expect(two.out).toContain('npm took --data and --port for itself: run npm start -- --data … --port …');
    // Nothing was served: the studio never touched the data folder.
    expect(existsSync(join(dataDir, 'studio.db'))).toBe(false);
  }, 120_000);
});
