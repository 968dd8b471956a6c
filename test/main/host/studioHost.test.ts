import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findUiDir,
  hookCommandFor,
  startStudioHost,
  type RunningStudio,
} from '../../../main/host/studioHost.js';
import { withParts } from '../../support/studioParts.js';
import { makeRepo } from '../../support/gitRepo.js';
import { silentLogger } from '../../../main/core/util/logger.js';
import { rawRequest } from '../../support/rawHttp.js';
import { tempDir } from '../../support/studioHarness.js';
import { tabSession } from '../../support/uiSession.js';
import { revokeUiToken } from '../../../main/host/uiToken.js';

const running: RunningStudio[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function start(options: Partial<Parameters<typeof startStudioHost>[0]> & { dataDir: string }) {
  // A team folder of its own: the default (where the tests run) is this checkout, a git
  // repository, where a first team would get worktrees.
  const r = await startStudioHost({
    port: 0,
    logger: silentLogger,
    noStart: true,
    teamCwd: tempDir(),
    ...options,
  });
  running.push(r);
  return r;
}

describe('serve', () => {
  it('gives a first run a team, and never re-adds agents the person removed', async () => {
    const dataDir = tempDir();
    const first = await start({ dataDir, firstTeam: 2 });
    const names = () =>
      withParts(first.studio)
        .agents.list()
        .filter((a) => a.kind === 'agent')
        .map((a) => a.name);
    expect(names()).toEqual(['commander', 'agent-1', 'agent-2']);
    await first.studio.service.removeAgent('agent-2');
    await first.stop();
    const again = await start({ dataDir, firstTeam: 2 });
    expect(
      withParts(again.studio)
        .agents.list()
        .filter((a) => a.kind === 'agent')
        .map((a) => a.name),
    ).toEqual(['commander', 'agent-1']);
  });

  it('gives a first team in a git repository worktrees for its engineers, unless told not to', async () => {
    const root = tempDir();
    const repo = makeRepo(join(root, 'project'), { 'README.md': 'x\n' });
    const r = await start({ dataDir: tempDir(), firstTeam: 1, teamCwd: repo });
    expect(withParts(r.studio).agents.require('commander').workspace).toBeNull();
    expect(withParts(r.studio).agents.require('agent-1').workspace?.path).toBe(
      join(root, 'project-worktrees', 'agent-1'),
    );
    const other = makeRepo(join(root, 'other'), { 'README.md': 'x\n' });
    const plain = await start({ dataDir: tempDir(), firstTeam: 1, teamCwd: other, worktrees: false });
    expect(withParts(plain.studio).agents.require('agent-1').cwd).toBe(other);
  });

  it("keeps tabs' sessions across a restart, and signs every tab out when the UI token is replaced", async () => {
    const dataDir = tempDir();
    let r = await start({ dataDir });
    const token = new URL(r.uiUrl).searchParams.get('token')!;
    const { session } = await tabSession(r.http.urls.base, { token });
    await r.stop();
    r = await start({ dataDir });
    expect(withParts(r.studio).tabs.verify(session)).toBeDefined();
    await r.stop();
    // The README's way to revoke the printed link: stop, delete ui-token, start.
    revokeUiToken(dataDir);
    r = await start({ dataDir });
    expect(new URL(r.uiUrl).searchParams.get('token')).not.toBe(token);
    expect(withParts(r.studio).tabs.verify(session)).toBeUndefined();
    expect(await r.studio.service.listTabs()).toEqual([]);
  });

  it('takes a free port when asked to and the fixed one is taken; otherwise says what to do', async () => {
    // Not a studio: it hangs up on whoever connects (the studio's /health probe among them).
    const blocker = createServer((socket) => socket.destroy());
    servers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    // This very process holds it, and the message says so by its pid.
    await expect(start({ dataDir: tempDir(), port })).rejects.toThrow(
      new RegExp(
        `^Port ${port} is in use by pid ${process.pid} \\(.+\\)\\. Stop it, or pass --port N \\(--port 0 picks a free one\\)\\.$`,
      ),
    );
    const r = await start({ dataDir: tempDir(), port, portFallback: true });
    expect(r.http.port).not.toBe(port);
  });

  it('serves the built UI with its CSP, and nothing outside it', async () => {
    const r = await start({ dataDir: tempDir() });
    expect(r.uiBuilt).toBe(!!findUiDir());
    expect(r.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=ccsu_/);
    const url = new URL(r.uiUrl);
    const get = (path: string, method = 'GET') =>
      rawRequest(`http://${url.host}${path}`, { method, headers: { host: url.host } });
    const page = await get('/');
    if (r.uiBuilt) {
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.body).toContain('<div id="root">');
    } else {
      expect(page.status).toBe(404);
      expect(page.body).toContain('npm run build');
    }
    for (const path of [
      '/assets/../../package.json',
      '/assets/%2e%2e%2fstudio.json',
      '/assets/',
      '/studio.json',
    ])
      expect((await get(path)).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
    // The page is public; the studio behind it is not.
    expect((await get('/api/rpc', 'POST')).status).toBe(401);
  });
});

describe('the hook command', () => {
  it('runs the reporter with this Node in a checkout or the CLI', () => {
    expect(hookCommandFor('/usr/bin/node', '/src/dist/main/cli/hookReporter.mjs', false)).toBe(
      "'/usr/bin/node' '/src/dist/main/cli/hookReporter.mjs'",
    );
  });

  it("in the desktop app, runs Electron's binary as Node on the unpacked script", () => {
    const app = '/opt/Claude Code Studio';
    const script = `${app}/resources/app.asar/dist/main/cli/hookReporter.mjs`;
    const unpacked = `${app}/resources/app.asar.unpacked/dist/main/cli/hookReporter.mjs`;
    expect(hookCommandFor(`${app}/claude-code-studio`, script, true, (p) => p === unpacked)).toBe(
      `ELECTRON_RUN_AS_NODE=1 '${app}/claude-code-studio' '${unpacked}'`,
    );
    // npm start: Electron on the checkout's files, no asar.
    expect(hookCommandFor('/x/electron', '/src/dist/main/cli/hookReporter.mjs', true, () => false)).toBe(
      "ELECTRON_RUN_AS_NODE=1 '/x/electron' '/src/dist/main/cli/hookReporter.mjs'",
    );
  });

  it('quotes paths so a folder named with quotes or spaces cannot break out of the shell word', () => {
    expect(hookCommandFor("/it's here/node", '/a b/hookReporter.js', false)).toBe(
      "'/it'\\''s here/node' '/a b/hookReporter.js'",
    );
  });
});
