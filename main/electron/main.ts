// The desktop host: the same studio `ccstudio serve` runs (core, MCP server, studio.json), shown
// in one locked-down window that talks to it over a single IPC channel. Decisions live in
// the modules beside it (windowState, navigation, menu, ...); this file only wires them to Electron.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  screen,
  session,
  shell,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import type { UiCommand } from '../contract/pipe.js';
import { DEFAULT_PORT, startStudioHost, type RunningStudio } from '../host/studioHost.js';
import { servePipe } from '../core/pipe/servePipe.js';
import { withFolderPicker } from './folderPicker.js';
import type { Logger } from '../core/util/logger.js';
import { outputUntilGone } from '../core/util/output.js';
import { openStudioLog } from '../host/studioLog.js';
import { loginShellPath, mergePaths } from './loginShellPath.js';
import { studioMenuItems, tileIndex } from './menu.js';
import { electronSqliteBinding, missingBindingMessage } from './nativeSqlite.js';
import { externalUrl, isAllowedNavigation, isAllowedPermission, withCsp } from './navigation.js';
import { createWindowPipe, type WindowPipe } from './windowPipe.js';
import {
  DEFAULT_WINDOW_SIZE,
  MIN_WINDOW_SIZE,
  parseWindowState,
  restoreWindowState,
  serializeWindowState,
} from './windowState.js';

/** The one IPC channel; preload.cts uses the same name. A new feature adds a service method, never a channel. */
const PIPE_CHANNEL = 'studio:pipe';
/** Resize and move fire many times a second while dragging; write once it settles. */
const SAVE_STATE_DELAY_MS = 500;
/** Quitting waits this long for the terminals to stop before leaving anyway. */
const STOP_TIMEOUT_MS = 15_000;
/** Dark like the renderer, so the window does not flash white before the first paint. */
const BACKGROUND = '#0d1117';
const TITLE = 'Claude Code Studio';

const here = fileURLToPath(new URL('.', import.meta.url));
const preloadPath = join(here, 'preload.cjs');
/** Built by Vite into dist/renderer; this file is dist/main/electron/main.js. */
const indexHtml = resolve(here, '../../renderer/index.html');
const appUrl = pathToFileURL(indexHtml).href;
/** The checkout or the app.asar root; this file is dist/main/electron/main.js. */
const appRoot = resolve(here, '../../..');

// STUDIO_DATA_DIR is the same override ccstudio honours; set before the lock, which is per data folder.
if (process.env.STUDIO_DATA_DIR) app.setPath('userData', resolve(process.env.STUDIO_DATA_DIR));

let win: BrowserWindow | undefined;
let pipe: WindowPipe | undefined;
let running: RunningStudio | undefined;
let quitState: 'running' | 'stopping' | 'done' = 'running';
/** Electron drops a Notification's click handler once the object is garbage collected. */
const notices = new Set<Notification>();

/** Someone who started the app from a terminal sees what happens, until that terminal goes. */
const stderr = outputUntilGone(process.stderr);

/**
 * On the fixed port when it is free, so remote agents' `claude mcp add` lines keep working; a
 * newcomer's first launch gets a commander and two agents working in the home folder.
 */
function startStudio(dataDir: string, logger: Logger, nativeBinding: string): Promise<RunningStudio> {
  return startStudioHost({
    dataDir,
    logger,
    nativeBinding,
    port: DEFAULT_PORT,
    portFallback: true,
    // No team until the person says where it works (the window's first-run screen).
    teamCwd: homedir(),
  });
}

function showWindow(): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function sendCommand(command: UiCommand): void {
  pipe?.endpoint.send({ kind: 'command', command });
}

/** A fresh connection for the window's current document; the previous one (if any) lets go. */
function connect(contents: WebContents, studio: RunningStudio['studio']): void {
  pipe?.close();
  pipe = createWindowPipe((message) => {
    if (!contents.isDestroyed()) contents.send(PIPE_CHANNEL, message);
  });
  const service = withFolderPicker(studio.service, (options) =>
    win && !win.isDestroyed() ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options),
  );
  servePipe({ service, openTerminalViewer: (send) => studio.openTerminalViewer(send) }, pipe.endpoint);
}

function windowStateStore(file: string) {
  return {
    load: () => {
      let text: string | undefined;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        // First launch.
      }
      return restoreWindowState(
        parseWindowState(text),
        screen.getAllDisplays().map((d) => d.workArea),
      );
    },
    save: (w: BrowserWindow) => {
      if (w.isDestroyed()) return;
      const state = { bounds: w.getNormalBounds(), maximized: w.isMaximized() };
      try {
        // Write then rename: a crash mid-write leaves the old file, not half a JSON.
        writeFileSync(file + '.tmp', serializeWindowState(state));
        renameSync(file + '.tmp', file);
      } catch {
        // Losing the window's position is not worth failing over.
      }
    },
  };
}

function createWindow(studio: RunningStudio['studio'], logger: Logger): void {
  const stateStore = windowStateStore(join(app.getPath('userData'), 'window-state.json'));
  const placed = stateStore.load();
  const w = new BrowserWindow({
    ...DEFAULT_WINDOW_SIZE,
    ...placed.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: TITLE,
    backgroundColor: BACKGROUND,
    show: false,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: preloadPath,
    },
  });
  win = w;
  if (placed.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const saveLater = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => stateStore.save(w), SAVE_STATE_DELAY_MS);
  };
  w.on('resize', saveLater);
  w.on('move', saveLater);
  w.on('maximize', saveLater);
  w.on('unmaximize', saveLater);
  w.on('close', () => {
    clearTimeout(saveTimer);
    stateStore.save(w);
  });
  w.on('closed', () => {
    if (win === w) win = undefined;
  });

  const contents = w.webContents;
  connect(contents, studio);
  // A reload or a crash-and-reload is a new document: give it a clean connection (the first
  // load keeps the one made above, which nothing has used yet).
  contents.on('did-navigate', () => {
    if (!pipe || pipe.used || pipe.closed) connect(contents, studio);
  });
  contents.on('render-process-gone', (_e, details) => {
    logger.warn('the window crashed', { reason: details.reason });
    pipe?.close();
  });
  contents.on('destroyed', () => pipe?.close());
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, appUrl)) event.preventDefault();
  });

  w.loadFile(indexHtml).catch((err: Error) =>
    logger.error('the window could not load', { err: err.message }),
  );
}

function installMenu(): void {
  const studioItems: MenuItemConstructorOptions[] = studioMenuItems().map((item) => ({
    label: item.label,
    accelerator: item.accelerator,
    click: () => {
      showWindow();
      sendCommand(item.command);
    },
  }));
  // A separator between the actions and the nine tile shortcuts.
  studioItems.splice(4, 0, { type: 'separator' });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { label: 'Studio', submenu: studioItems },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function lockDown(): void {
  // Only our own page runs in the window; the header backs up the CSP meta tag in index.html.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withCsp(details.responseHeaders) }),
  );
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(isAllowedPermission(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => isAllowedPermission(permission));
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const external = externalUrl(url);
      if (external) void shell.openExternal(external);
      return { action: 'deny' };
    });
  });
}

/** The window focuses the named agent's tile, when it has one (agents elsewhere have none). */
async function focusTileOf(studio: RunningStudio['studio'], name: string): Promise<void> {
  const agents = await studio.service.listAgents();
  const id = agents.find((a) => a.name.toLowerCase() === name.toLowerCase())?.id;
  const index = id === undefined ? -1 : tileIndex(agents, id);
  if (index >= 0) sendCommand({ type: 'focusTile', index });
}

/**
 * The core's attention notices (see AttentionWatch) as OS notifications; a click shows the tile.
 * They arrive coalesced, and agents' text in them quoted inert (no markup, links or line breaks).
 */
function notifyOnAttention(studio: RunningStudio['studio']): void {
  studio.service.onDidEvent((event) => {
    if (event.type !== 'attention' || !Notification.isSupported()) return;
    const { title, body, agent, link } = event.attention;
    const notice = new Notification({ title, body });
    notices.add(notice);
    notice.on('click', () => {
      notices.delete(notice);
      showWindow();
      // A prompt's notice opens the queue at it; others show the agent's tile.
      const queueAt = link?.startsWith('#queue=') ? link.slice('#queue='.length) : undefined;
      if (queueAt) sendCommand({ type: 'openQueue', focus: queueAt });
      else if (agent) void focusTileOf(studio, agent);
    });
    notice.on('close', () => notices.delete(notice));
    notice.show();
  });
}

async function main(): Promise<void> {
  await app.whenReady();
  const dataDir = app.getPath('userData');
  mkdirSync(dataDir, { recursive: true });
  const { logger } = openStudioLog(dataDir, { echo: stderr });
  // Started from the Dock or a desktop menu, the app has a bare PATH; agents need the person's.
  if (app.isPackaged && process.platform !== 'win32') {
    process.env.PATH = mergePaths(await loginShellPath(process.env.SHELL), process.env.PATH);
  }
  // The studio holds every agent's terminal: a stray error is logged, never allowed to end them all.
  process.on('uncaughtException', (err) =>
    logger.error('uncaught exception', { err: err.stack ?? String(err) }),
  );
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { err: String(err) }));

  if (!existsSync(indexHtml)) {
    dialog.showErrorBox(
      TITLE,
      `The window's UI is not built (${indexHtml} is missing). Run \`npm run build\`.`,
    );
    app.exit(1);
    return;
  }
  const nativeBinding = electronSqliteBinding({
    packaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appRoot,
    platform: process.platform,
    arch: process.arch,
    override: process.env.STUDIO_SQLITE_BINDING,
  });
  if (!existsSync(nativeBinding)) {
    dialog.showErrorBox(TITLE, missingBindingMessage(nativeBinding, app.isPackaged));
    app.exit(1);
    return;
  }
  try {
    running = await startStudio(dataDir, logger, nativeBinding);
  } catch (err) {
    logger.error('the studio could not start', { err: (err as Error).stack ?? String(err) });
    dialog.showErrorBox(`${TITLE} could not start`, (err as Error).message);
    app.exit(1);
    return;
  }
  const { studio } = running;
  logger.info('studio running', { dataDir, mcp: running.http.url });

  lockDown();
  ipcMain.on(PIPE_CHANNEL, (event, message: unknown) => {
    // Only the studio window's own page; anything else that found the channel is ignored.
    if (!win || win.isDestroyed() || event.sender !== win.webContents) return;
    pipe?.deliver(message);
  });
  installMenu();
  notifyOnAttention(studio);
  createWindow(studio, logger);
  app.on('activate', () => {
    if (!win) createWindow(studio, logger);
    else showWindow();
  });
}

if (!app.requestSingleInstanceLock()) {
  // The running instance gets 'second-instance' and shows itself.
  app.quit();
} else {
  app.on('second-instance', showWindow);
  // The studio keeps running on macOS with no window, as apps there do; elsewhere closing it quits.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', (event) => {
    if (!running || quitState === 'done') return;
    event.preventDefault();
    if (quitState === 'stopping') return;
    quitState = 'stopping';
    const stopped = running.stop().catch((err: Error) => stderr.write(`stop failed: ${err.message}\n`));
    const timeout = new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS));
    void Promise.race([stopped, timeout]).then(() => {
      quitState = 'done';
      app.quit();
    });
  });
  main().catch((err: Error) => {
    stderr.write(`${err.stack ?? String(err)}\n`);
    app.exit(1);
  });
}
