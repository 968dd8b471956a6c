// main.ts wired to a fake Electron (fakeElectron.ts) under plain Node: the real studio, the one
// IPC channel, menu commands, reload, navigation and permission rules, window state and quitting.
// The real window is covered by test/electron/app.e2e.test.ts where Electron's binary exists.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PipeFromStudio } from '../../../main/contract/pipe.js';
import { remoteStudioService } from '../../../main/cli/kit/remoteService.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/electron/navigation.js';
import { tempDir } from '../../support/studioHarness.js';
import { waitFor } from '../../support/waitFor.js';
import {
  app,
  BrowserWindow,
  dialog,
  fakeEvent,
  ipcMain,
  Menu,
  session,
  shell,
  type FakeMenuItem,
  type FakeWebContents,
} from './fakeElectron.js';

vi.mock('electron', () => import('./fakeElectron.js'));

let dir: string;
let dataDir: string;
let win: BrowserWindow;
let wc: FakeWebContents;
const savedEnv = {
  PATH: process.env.PATH,
  STUDIO_DATA_DIR: process.env.STUDIO_DATA_DIR,
  STUDIO_SQLITE_BINDING: process.env.STUDIO_SQLITE_BINDING,
};

beforeAll(async () => {
  dir = tempDir('ccstudio-shell-');
  dataDir = join(dir, 'data');
  // No `claude` on PATH: the first-launch team is created but nothing real is started.
  mkdirSync(join(dir, 'bin'));
  process.env.PATH = join(dir, 'bin');
  process.env.STUDIO_DATA_DIR = dataDir;
  // Under plain Node the right build of better-sqlite3 is Node's own.
  process.env.STUDIO_SQLITE_BINDING = createRequire(import.meta.url).resolve(
    'better-sqlite3/build/Release/better_sqlite3.node',
  );
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await import('../../../main/electron/main.js');
  await waitFor('the window', () => BrowserWindow.all.length === 1, { timeoutMs: 20_000 });
  win = BrowserWindow.all[0]!;
  wc = win.webContents;
});

afterAll(() => {
  process.env.PATH = savedEnv.PATH;
  for (const key of ['STUDIO_DATA_DIR', 'STUDIO_SQLITE_BINDING'] as const) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const fromStudio = () =>
  wc.sent.filter((s) => s.channel === 'studio:pipe').map((s) => s.message as PipeFromStudio);
let nextId = 1000;
/** A call as the renderer's preload sends it; resolves with the answer that comes back. */
async function call(method: string, params: unknown[] = [], sender: unknown = wc): Promise<PipeFromStudio> {
  const id = nextId++;
  ipcMain.emit('studio:pipe', { sender }, { kind: 'call', id, method, params });
  return waitFor(`the answer to ${method}`, () =>
    fromStudio().find((m) => (m.kind === 'result' || m.kind === 'error') && m.id === id),
  );
}

describe('the desktop shell', () => {
  it('opens one locked-down window on the built renderer, shown when ready', () => {
    expect(dialog.errors).toEqual([]);
    expect(win.options).toMatchObject({
      backgroundColor: '#0d1117',
      show: false,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
    });
    const prefs = win.options.webPreferences as { preload: string };
    expect(prefs.preload).toMatch(/main[/\\]electron[/\\]preload\.cjs$/);
    expect(win.loaded).toMatch(/renderer[/\\]index\.html$/);
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('runs the studio in the data folder served over the one channel; a first launch has no team until the window says where', async () => {
    expect(existsSync(join(dataDir, 'studio.json'))).toBe(true);
    const answer = await call('listAgents');
    expect(answer.kind).toBe('result');
    const names = (answer as { result: Array<{ name: string; kind: string }> }).result
      .filter((a) => a.kind === 'agent')
      .map((a) => a.name);
    expect(names).toEqual([]);
  });

  it("answers the window's pickFolder with the OS folder picker, opened at the suggested folder", async () => {
    dialog.nextFolder = '/work/my-project';
    expect(await call('pickFolder')).toMatchObject({ kind: 'result', result: '/work/my-project' });
    expect(dialog.openDialogs.at(-1)).toMatchObject({ properties: ['openDirectory', 'createDirectory'] });
    dialog.nextFolder = null;
    expect(await call('pickFolder')).toMatchObject({ kind: 'result', result: null });
  });

  it('ignores the channel from anything but its window', async () => {
    const before = fromStudio().length;
    ipcMain.emit('studio:pipe', { sender: {} }, { kind: 'call', id: 1, method: 'listAgents', params: [] });
    await new Promise((r) => setTimeout(r, 50));
    expect(fromStudio().length).toBe(before);
  });

  it('sends menu commands down the pipe', () => {
    const studioMenu = Menu.current!.find((m) => m.label === 'Studio')!.submenu!;
    const item = (label: string) => studioMenu.find((i: FakeMenuItem) => i.label === label)!;
    expect(item('Tile 3').accelerator).toBe(process.platform === 'darwin' ? 'Cmd+3' : 'Alt+3');
    item('Tile 3').click!();
    item('Board').click!();
    const commands = fromStudio().filter((m) => m.kind === 'command');
    expect(commands.slice(-2)).toEqual([
      { kind: 'command', command: { type: 'focusTile', index: 2 } },
      { kind: 'command', command: { type: 'showBoard' } },
    ]);
    const roles = Menu.current!.map((m) => m.role ?? m.label);
    expect(roles).toEqual(expect.arrayContaining(['editMenu', 'viewMenu', 'windowMenu', 'Studio']));
  });

  it('gives a reloaded page a clean connection: the old one stops sending', async () => {
    wc.emit('did-navigate', fakeEvent(), 'file:///x/index.html');
    await call('status');
    const before = fromStudio().length;
    await call('addAgent', [{ name: 'agent-3' }]);
    const added = fromStudio()
      .slice(before)
      .filter((m) => m.kind === 'event' && m.event.type === 'agent.added');
    // One connection left: the event arrives once, not once per connection ever opened.
    expect(added).toHaveLength(1);
  });

  it('serves the page that reloads after a renderer crash', async () => {
    for (let i = 0; i < 2; i++) {
      wc.emit('render-process-gone', fakeEvent(), { reason: 'crashed', exitCode: 1 });
      wc.emit('did-navigate', fakeEvent(), 'file:///x/index.html');
    }
    expect((await call('status')).kind).toBe('result');
  });

  it('blocks navigation away from the app and opens web links in the browser, never in a window', () => {
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const event = fakeEvent();
      wc.emit('will-navigate', event, url);
      expect(event.defaultPrevented, url).toBe(true);
    }
    const reload = fakeEvent();
    wc.emit(
      'will-navigate',
      reload,
      'file://' + win.loaded!.replace(/\\/g, '/').replace(/^\/?/, '/') + '#board',
    );
    expect(reload.defaultPrevented).toBe(false);

    expect(wc.windowOpenHandler!({ url: 'https://docs.anthropic.com/' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://docs.anthropic.com/']);
  });

  it('grants only notifications and puts the CSP on responses', () => {
    const ds = session.defaultSession;
    const asked: Array<[string, boolean]> = [];
    for (const p of ['notifications', 'media', 'geolocation'])
      ds.permissionRequest!(wc, p, (ok) => asked.push([p, ok]));
    expect(asked).toEqual([
      ['notifications', true],
      ['media', false],
      ['geolocation', false],
    ]);
    expect(ds.permissionCheck!(wc, 'clipboard-read')).toBe(false);
    let headers: Record<string, string[]> | undefined;
    ds.headersListener!({ responseHeaders: { 'Content-Security-Policy': ['default-src *'] } }, (r) => {
      headers = r.responseHeaders;
    });
    expect(headers).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('remembers where the window was', async () => {
    const file = join(dataDir, 'window-state.json');
    win.setBounds({ x: 40, y: 30, width: 1000, height: 700 });
    await waitFor('the debounced save', () => existsSync(file));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      bounds: { x: 40, y: 30, width: 1000, height: 700 },
      maximized: false,
    });
    win.maximize();
    win.close();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ maximized: true });
  });

  it('a closed window drops what the studio still sends it', async () => {
    expect(wc.isDestroyed()).toBe(true);
    const before = wc.sent.length;
    // A change made elsewhere (the CLI over /api/rpc) raises events; none may reach the dead window.
    const info = JSON.parse(readFileSync(join(dataDir, 'studio.json'), 'utf8')) as {
      apiUrl: string;
      adminToken: string;
    };
    await remoteStudioService(info.apiUrl, info.adminToken).addAgent({ name: 'agent-4' });
    ipcMain.emit('studio:pipe', { sender: wc }, { kind: 'call', id: 1, method: 'status', params: [] });
    await new Promise((r) => setTimeout(r, 50));
    expect(wc.sent.length).toBe(before);
  });

  it('stops the studio before it quits', async () => {
    app.quit();
    expect(app.quitCalls).toBe(1);
    await waitFor('the second quit', () => app.quitCalls === 2, { timeoutMs: 20_000 });
    expect(existsSync(join(dataDir, 'studio.json'))).toBe(false);
  });
});
