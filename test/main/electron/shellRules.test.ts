// The desktop shell's decisions, under plain Node: no Electron needed.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../main/contract/events.js';
import type { Agent } from '../../../main/contract/model.js';
import { createPipeClient, type PipeFromStudio, type PipeToStudio } from '../../../main/contract/pipe.js';
import { servePipe } from '../../../main/core/pipe/servePipe.js';
import { createStudio } from '../../../main/core/studio.js';
import { makeAgent } from '../../support/modelFixtures.js';
import {
  CONTENT_SECURITY_POLICY,
  createPermissionWatch,
  createWindowPipe,
  electronSqliteBinding,
  externalUrl,
  loginShellPath,
  mergePaths,
  missingBindingMessage,
  parseShellPath,
  isAllowedNavigation,
  isAllowedPermission,
  parseWindowState,
  permissionNotice,
  restoreWindowState,
  serializeWindowState,
  studioMenuItems,
  tileIndex,
  withCsp,
  type Rect,
} from '../../../main/electron/shellRules.js';

const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1050 };
const rightMonitor: Rect = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('window state', () => {
  it('round-trips what it saved', () => {
    const state = { bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: true };
    expect(parseWindowState(serializeWindowState(state))).toEqual(state);
  });

  it('treats a missing, corrupted or implausible file as no saved state', () => {
    for (const text of [
      undefined,
      '',
      '{',
      'null',
      '[]',
      '"bounds"',
      '{"maximized":true}',
      '{"bounds":{"x":"10","y":0,"width":1200,"height":800}}',
      '{"bounds":{"x":0,"y":0,"width":1200.5,"height":800}}',
      '{"bounds":{"x":0,"y":0,"width":10,"height":10}}',
      '{"bounds":{"x":1e12,"y":0,"width":1200,"height":800}}',
      '{"bounds":{"x":0,"y":0,"width":1200,"height":1e9}}',
    ]) {
      expect(parseWindowState(text), String(text)).toBeUndefined();
    }
  });

  it('only true is maximized', () => {
    expect(parseWindowState('{"bounds":{"x":0,"y":0,"width":800,"height":600},"maximized":"yes"}')).toEqual({
      bounds: { x: 0, y: 0, width: 800, height: 600 },
      maximized: false,
    });
  });

  it('restores bounds that are on a display, including a second one', () => {
    const onLaptop = { bounds: { x: 50, y: 40, width: 1200, height: 800 }, maximized: false };
    expect(restoreWindowState(onLaptop, [laptop])).toEqual(onLaptop);
    const onMonitor = { bounds: { x: 2200, y: 100, width: 1600, height: 1000 }, maximized: true };
    expect(restoreWindowState(onMonitor, [laptop, rightMonitor])).toEqual(onMonitor);
  });

  it('drops bounds off every display (an unplugged monitor) but keeps maximized', () => {
    const onMonitor = { bounds: { x: 2200, y: 100, width: 1600, height: 1000 }, maximized: true };
    expect(restoreWindowState(onMonitor, [laptop])).toEqual({ maximized: true });
    expect(restoreWindowState({ ...onMonitor, bounds: { ...onMonitor.bounds, x: -5000 } }, [laptop])).toEqual(
      {
        maximized: true,
      },
    );
  });

  it('drops bounds whose title bar cannot be grabbed: above the top, or a sliver at the edge', () => {
    const aboveTop = { bounds: { x: 100, y: -700, width: 1200, height: 800 }, maximized: false };
    expect(restoreWindowState(aboveTop, [laptop]).bounds).toBeUndefined();
    const sliver = { bounds: { x: 1900, y: 100, width: 1200, height: 800 }, maximized: false };
    expect(restoreWindowState(sliver, [laptop]).bounds).toBeUndefined();
  });

  it('shrinks a window saved on a bigger display to fit the one it is on now', () => {
    const big = { bounds: { x: 0, y: 0, width: 2500, height: 1400 }, maximized: false };
    expect(restoreWindowState(big, [laptop]).bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1050 });
  });

  it('opens a default window with no saved state', () => {
    expect(restoreWindowState(undefined, [laptop])).toEqual({ maximized: false });
  });
});

describe('navigation', () => {
  const app = 'file:///opt/studio/dist/renderer/index.html';

  it('allows the renderer page itself: a reload, a hash or query change', () => {
    expect(isAllowedNavigation(app, app)).toBe(true);
    expect(isAllowedNavigation(app + '#board', app)).toBe(true);
    expect(isAllowedNavigation(app + '?x=1', app)).toBe(true);
  });

  it('refuses everything else', () => {
    for (const url of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'file:///opt/studio/dist/renderer/other.html',
      'file:///opt/studio/dist/renderer/index.html/../../../../etc/passwd',
      'file://evil.example/opt/studio/dist/renderer/index.html',
      'http://127.0.0.1:47100/',
      'https://example.com/',
      'about:blank',
      'chrome://settings',
      'devtools://devtools/bundled/inspector.html',
      'not a url',
      '',
    ]) {
      expect(isAllowedNavigation(url, app), url).toBe(false);
    }
  });

  it('refuses all navigation when the page is not a file (a misconfigured load)', () => {
    expect(isAllowedNavigation('http://localhost/', 'http://localhost/')).toBe(false);
  });

  it('opens only web links outside, in the browser', () => {
    expect(externalUrl('https://docs.anthropic.com/claude-code')).toBe(
      'https://docs.anthropic.com/claude-code',
    );
    expect(externalUrl('http://localhost:3000/x')).toBe('http://localhost:3000/x');
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,hi',
      'smb://host/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/etc/passwd',
      'nonsense',
    ]) {
      expect(externalUrl(url), url).toBeUndefined();
    }
  });

  it('grants notifications and nothing else', () => {
    expect(isAllowedPermission('notifications')).toBe(true);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial'])
      expect(isAllowedPermission(p), p).toBe(false);
  });
});

describe('content security policy header', () => {
  it('replaces any policy the response had, whatever its case, and keeps other headers', () => {
    const out = withCsp({
      'content-security-policy': ['default-src *'],
      'Content-Type': ['text/html'],
    });
    expect(out).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('allows only the app itself to run scripts, connect, or frame it', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
    });
  });
});

describe('studio menu', () => {
  it('has the four actions and nine tile shortcuts, each a UiCommand', () => {
    const items = studioMenuItems('darwin');
    expect(items.slice(0, 4).map((i) => [i.label, i.accelerator, i.command.type])).toEqual([
      ['Board', 'Cmd+B', 'showBoard'],
      ['New task', 'Cmd+N', 'newTask'],
      ['Add agent', 'Cmd+Shift+A', 'addAgent'],
      ['Toggle grid / list', 'Cmd+L', 'toggleLayout'],
    ]);
    expect(items.slice(4).map((i) => [i.label, i.accelerator, i.command])).toEqual(
      Array.from({ length: 9 }, (_, i) => [`Tile ${i + 1}`, `Cmd+${i + 1}`, { type: 'focusTile', index: i }]),
    );
  });

  it('leaves Ctrl and plain Alt+letter to the terminals off the Mac, as browser mode does', () => {
    const accelerators = studioMenuItems('linux').map((i) => i.accelerator);
    expect(accelerators.slice(0, 4)).toEqual(['Alt+Shift+B', 'Alt+Shift+N', 'Alt+Shift+A', 'Alt+Shift+L']);
    expect(accelerators.slice(4)).toEqual(Array.from({ length: 9 }, (_, i) => `Alt+${i + 1}`));
  });
});

let nextId = 1;
function agent(over: Partial<Agent>): Agent {
  return makeAgent({ id: nextId++, cwd: '/', ...over });
}
const updated = (a: Agent): StudioEvent => ({ type: 'agent.updated', agent: a });

describe('permission notifications', () => {
  it('fires once when an agent starts waiting for permission, not again while it waits', () => {
    const a = agent({ name: 'agent-1', state: 'busy' });
    const watch = createPermissionWatch([a]);
    expect(watch.observe(updated({ ...a, state: 'waiting_permission' }))).toMatchObject({ name: 'agent-1' });
    expect(watch.observe(updated({ ...a, state: 'waiting_permission', summary: 'still' }))).toBeUndefined();
    expect(watch.observe(updated({ ...a, state: 'busy' }))).toBeUndefined();
    expect(watch.observe(updated({ ...a, state: 'waiting_permission' }))).toMatchObject({ name: 'agent-1' });
  });

  it('does not fire for an agent already waiting when the app started', () => {
    const a = agent({ state: 'waiting_permission' });
    expect(createPermissionWatch([a]).observe(updated(a))).toBeUndefined();
  });

  it('fires for an agent it had not seen, and again after one with the same id is removed and re-added', () => {
    const a = agent({ state: 'waiting_permission' });
    const watch = createPermissionWatch([]);
    expect(watch.observe(updated(a))).toBeDefined();
    watch.observe({ type: 'agent.removed', agentId: a.id, name: a.name });
    expect(watch.observe(updated(a))).toBeDefined();
  });

  it('ignores other waits, other events and the person', () => {
    const a = agent({ state: 'busy' });
    const watch = createPermissionWatch([a]);
    expect(watch.observe(updated({ ...a, state: 'waiting_select' }))).toBeUndefined();
    expect(watch.observe(updated({ ...a, state: 'waiting_text' }))).toBeUndefined();
    const person = agent({ kind: 'person', state: 'idle' });
    expect(watch.observe(updated({ ...person, state: 'waiting_permission' }))).toBeUndefined();
    expect(
      watch.observe({ type: 'delivery.changed', agentId: a.id, messageIds: [1], state: 'read' }),
    ).toBeUndefined();
  });

  it('says who is waiting and where', () => {
    expect(permissionNotice({ name: 'agent-2' })).toEqual({
      title: 'agent-2 is waiting for you',
      body: 'A permission prompt is open in its terminal.',
    });
  });

  it("finds the agent's tile in the renderer's order: local agents, commander first, then by id", () => {
    const person = agent({ name: 'you', kind: 'person' });
    const a1 = agent({ name: 'agent-1' });
    const remote = agent({ name: 'far', remote: true });
    const a2 = agent({ name: 'agent-2' });
    const commander = agent({ name: 'commander', commander: true });
    const all = [person, a1, remote, a2, commander];
    expect(tileIndex(all, commander.id)).toBe(0);
    expect(tileIndex(all, a1.id)).toBe(1);
    expect(tileIndex(all, a2.id)).toBe(2);
    expect(tileIndex(all, remote.id)).toBe(-1);
    expect(tileIndex(all, person.id)).toBe(-1);
    expect(tileIndex(all, 9999)).toBe(-1);
  });
});

describe('window pipe', () => {
  /** A window pipe served by a real studio, with a client on the "renderer" side of a fake IPC channel. */
  function wire() {
    const studio = createStudio({ databaseFile: ':memory:' });
    const toRenderer = new Set<(m: PipeFromStudio) => void>();
    const sent: PipeFromStudio[] = [];
    const win = createWindowPipe((m) => {
      sent.push(m);
      const copy = JSON.parse(JSON.stringify(m)) as PipeFromStudio;
      queueMicrotask(() => toRenderer.forEach((l) => l(copy)));
    });
    servePipe(studio, win.endpoint);
    const client = createPipeClient({
      send: (m: PipeToStudio) => queueMicrotask(() => win.deliver(JSON.parse(JSON.stringify(m)))),
      onMessage: (l) => (toRenderer.add(l), { dispose: () => void toRenderer.delete(l) }),
      onClose: () => ({ dispose() {} }),
    });
    return { studio, win, client, sent };
  }

  it('carries StudioService calls, events and shell commands', async () => {
    const { studio, win, client } = wire();
    try {
      const events: StudioEvent[] = [];
      client.onDidEvent((e) => events.push(e));
      const commands: unknown[] = [];
      client.onDidCommand((c) => commands.push(c));
      expect(win.used).toBe(false);
      await client.addAgent({ name: 'agent-1' });
      expect(win.used).toBe(true);
      expect((await client.listAgents()).map((a) => a.name)).toContain('agent-1');
      expect(events.some((e) => e.type === 'agent.added')).toBe(true);
      win.endpoint.send({ kind: 'command', command: { type: 'focusTile', index: 2 } });
      await new Promise((r) => setTimeout(r, 0));
      expect(commands).toEqual([{ type: 'focusTile', index: 2 }]);
    } finally {
      client.dispose();
      await studio.close();
    }
  });

  it('once closed (the page reloaded), sends nothing more: no events, no late answers, no input handled', async () => {
    const { studio, win, client, sent } = wire();
    try {
      await client.listAgents();
      const late = client.listAgents().catch(() => 'failed');
      win.close();
      const before = sent.length;
      studio.agents.add({ name: 'agent-9' });
      win.deliver({ kind: 'call', id: 99, method: 'listAgents', params: [] });
      await new Promise((r) => setTimeout(r, 20));
      expect(sent.length).toBe(before);
      client.dispose();
      expect(await late).toBe('failed');
      win.close(); // twice is harmless
    } finally {
      await studio.close();
    }
  });

  it('ignores junk on the channel', async () => {
    const { studio, win, sent } = wire();
    try {
      for (const junk of [null, 42, 'call', { kind: 'call' }, { kind: 'call', id: 'x', method: 'status' }])
        win.deliver(junk);
      win.deliver({ kind: 'call', id: 1, method: 'nope', params: [] });
      await new Promise((r) => setTimeout(r, 20));
      expect(sent).toEqual([{ kind: 'error', id: 1, error: expect.objectContaining({ code: 'not_found' }) }]);
    } finally {
      await studio.close();
    }
  });
});

describe('the Electron build of better-sqlite3', () => {
  it('is a resource in the installed app and under native/electron/<platform>-<arch> in a checkout', () => {
    const where = {
      resourcesPath: '/opt/Claude Code Studio/resources',
      appRoot: '/src/studio',
      platform: 'linux',
      arch: 'x64',
    };
    expect(electronSqliteBinding({ ...where, packaged: true })).toBe(
      join('/opt/Claude Code Studio/resources', 'native', 'better_sqlite3.node'),
    );
    expect(electronSqliteBinding({ ...where, packaged: false })).toBe(
      join('/src/studio', 'native', 'electron', 'linux-x64', 'better_sqlite3.node'),
    );
    expect(electronSqliteBinding({ ...where, packaged: true, override: 'own/better_sqlite3.node' })).toBe(
      resolve('own/better_sqlite3.node'),
    );
    // Never node_modules: that build is Node's, and loading it in Electron fails on the ABI.
    expect(
      electronSqliteBinding({ ...where, packaged: false, platform: 'darwin', arch: 'arm64' }),
    ).not.toMatch(/node_modules/);
  });

  it('tells a developer how to build it and a user to reinstall when it is missing', () => {
    expect(missingBindingMessage('/x/better_sqlite3.node', false)).toMatch(/scripts\/electron-native\.mjs/);
    expect(missingBindingMessage('/x/better_sqlite3.node', true)).toMatch(/Reinstall/);
  });

  it('loads through better-sqlite3 as the shell passes it (here the Node build stands in for the path)', async () => {
    const nodeBuild = createRequire(import.meta.url).resolve(
      'better-sqlite3/build/Release/better_sqlite3.node',
    );
    const studio = createStudio({ databaseFile: ':memory:', nativeBinding: nodeBuild });
    try {
      expect(studio.agents.list().length).toBeGreaterThan(0);
    } finally {
      await studio.close();
    }
    // A wrong path is a clear error at open, not a crash later.
    expect(() =>
      createStudio({ databaseFile: ':memory:', nativeBinding: '/nonexistent/better_sqlite3.node' }),
    ).toThrow();
  });
});

describe("the person's PATH for an app started from the desktop", () => {
  it('reads the PATH between the marks, ignoring what profiles print around it', () => {
    expect(parseShellPath('Welcome!\n__CCSTUDIO_PATH__\n/a/bin:/usr/bin\r\n__CCSTUDIO_PATH__\nbye\n')).toBe(
      '/a/bin:/usr/bin',
    );
    expect(parseShellPath('no marks here')).toBeUndefined();
    expect(parseShellPath('__CCSTUDIO_PATH__\n__CCSTUDIO_PATH__\n')).toBeUndefined();
    expect(parseShellPath('__CCSTUDIO_PATH__\n/a\n/b\n__CCSTUDIO_PATH__\n')).toBeUndefined();
    expect(parseShellPath('__CCSTUDIO_PATH__\n/a\n')).toBeUndefined();
  });

  it("puts the shell's entries first and keeps every other entry once", () => {
    expect(mergePaths('/home/me/.npm-global/bin:/usr/bin', '/usr/bin:/bin')).toBe(
      '/home/me/.npm-global/bin:/usr/bin:/bin',
    );
    expect(mergePaths(undefined, '/usr/bin:/bin')).toBe('/usr/bin:/bin');
    expect(mergePaths('/x::/y', undefined)).toBe('/x:/y');
  });

  it("asks a real login shell, which reads the person's profile", async () => {
    const home = mkdtempSync(join(tmpdir(), 'ccstudio-home-'));
    try {
      writeFileSync(
        join(home, '.profile'),
        'echo "a banner from the profile"\nexport PATH="$HOME/tools/bin:$PATH"\n',
      );
      const path = await loginShellPath('/bin/sh', { HOME: home, PATH: '/usr/bin:/bin' });
      expect(path?.split(':')[0]).toBe(join(home, 'tools', 'bin'));
      if (existsSync('/bin/bash')) {
        const bash = await loginShellPath('/bin/bash', { HOME: home, PATH: '/usr/bin:/bin' });
        expect(bash?.split(':')[0]).toBe(join(home, 'tools', 'bin'));
      }
      expect(
        await loginShellPath('/nonexistent/shell', { HOME: home, PATH: '/usr/bin:/bin' }),
      ).toBeUndefined();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync('/bin/bash'))(
    'gives up on a profile that blocks, though interactive bash ignores SIGTERM',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'ccstudio-home-'));
      try {
        writeFileSync(join(home, '.bash_profile'), 'sleep 60\n');
        const started = Date.now();
        expect(await loginShellPath('/bin/bash', { HOME: home, PATH: '/usr/bin:/bin' }, 500)).toBeUndefined();
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});
