// The headless CLI as people install it: `npm run pack:cli` makes the tarball, npm installs it
// into an empty folder (building its native modules for this Node, as on any user's machine),
// and the installed `ccstudio` serves the studio and its UI. Slow by nature: the install compiles
// better-sqlite3 where its prebuilt download is out of reach, as it is here.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServe, waitExit } from '../support/cliProcess.js';
import { tempDir } from '../support/studioHarness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const app = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
/** npm install compiles better-sqlite3 and node-pty from source here: minutes on two cores. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

let work: string;
let tgz: string;
let bin: string;

// Asynchronous: a child that runs for minutes must not block the test worker's own messages.
const run = promisify(execFile);

beforeAll(async () => {
  work = tempDir('ccstudio-cli-pack-');
  const { stdout: packed } = await run(
    process.execPath,
    [join(root, 'scripts/pack-cli.mjs'), '--out', work],
    {
      cwd: root,
    },
  );
  tgz = /^(\S+\.tgz)/m.exec(packed)?.[1] ?? '';
  if (!tgz) throw new Error(`pack-cli printed no tarball:\n${packed}`);
  // An empty folder, as on a fresh machine: nothing from this checkout's node_modules is reachable.
  const target = join(work, 'install');
  writeFileSync(join(work, 'package.json'), '{}');
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefix', target, tgz], {
    cwd: work,
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`npm install of the CLI package failed: ${err.message}\n${err.stdout}\n${err.stderr}`);
  });
  bin = join(target, 'node_modules', '.bin', 'ccstudio');
}, INSTALL_TIMEOUT_MS + 60_000);

describe('the ccstudio npm package', () => {
  it('carries the built CLI, MCP server and UI, and only runtime dependencies', () => {
    const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of [
      'package/dist/main/cli/ccstudio.js',
      'package/dist/server/httpServer.js',
      'package/dist/renderer/index.html',
      'package/README.md',
      'package/LICENSE',
    ]) {
      expect(files, f).toContain(f);
    }
    // No desktop shell, maps, sources or tests.
    expect(files.filter((f) => /\/dist\/main\/electron\/|\.map$|\.ts$|\/test\//.test(f))).toEqual([]);
    const pkg = JSON.parse(
      execFileSync('tar', ['-xOzf', tgz, 'package/package.json'], { encoding: 'utf8' }),
    ) as {
      name: string;
      version: string;
      bin: Record<string, string>;
      scripts?: unknown;
      dependencies: Record<string, string>;
      optionalDependencies?: unknown;
    };
    expect(pkg.name).toBe('ccstudio');
    expect(pkg.version).toBe(app.version);
    expect(pkg.bin).toEqual({ ccstudio: 'dist/main/cli/ccstudio.js' });
    // No Electron download, no build scripts of ours on the user's machine.
    expect(pkg.scripts).toBeUndefined();
    expect(pkg.optionalDependencies).toBeUndefined();
    expect(pkg.dependencies).toEqual(app.dependencies);
    expect(Object.keys(pkg.dependencies)).not.toContain('electron');
  });

  it('installs into an empty folder and answers --version', () => {
    expect(readdirSync(join(work, 'install', 'node_modules'))).toContain('ccstudio');
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe(app.version);
  });

  it('serves the studio and its browser UI from the installed copy', async () => {
    const dataDir = join(work, 'data');
    const { proc, output } = await startServe(['--port', '0', '--data', dataDir, '--no-start'], {
      bin,
      timeoutMs: 30_000,
    });
    try {
      const ui = /Open the studio:\s+(\S+)/.exec(output())?.[1];
      expect(ui, output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=ccsu_/);
      const page = await fetch(ui!);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script, html).toBeDefined();
      const bundle = await fetch(new URL(script!, ui!));
      expect(bundle.status).toBe(200);
      // The installed CLI talks to the running studio: its SQLite and RPC work from this install.
      const added = execFileSync(bin, ['agent', 'add', 'remote-1', '--remote', '--data', dataDir], {
        encoding: 'utf8',
      });
      expect(added).toContain('claude mcp add');
      const status = execFileSync(bin, ['status', '--data', dataDir, '--json'], { encoding: 'utf8' });
      expect(JSON.parse(status)).toMatchObject({
        agents: expect.arrayContaining([expect.objectContaining({ name: 'remote-1' })]),
      });
    } finally {
      proc.kill('SIGTERM');
      expect(await waitExit(proc)).toBe(0);
    }
  });
});
