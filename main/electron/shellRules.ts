// The desktop shell's decisions, kept free of electron so plain Node tests can cover them;
// main.ts only wires these to Electron's events.
import { spawn } from 'node:child_process';
import { delimiter, join, resolve } from 'node:path';
import type { StudioEvent } from '../contract/events.js';
import type { Agent, AgentState } from '../contract/model.js';
import type { Disposable } from '../contract/events.js';
import type { PipeEndpoint, PipeFromStudio, PipeToStudio, UiCommand } from '../contract/pipe.js';

// ---- Window state -------------------------------------------------------------------------

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The normal (not maximized) bounds, so un-maximizing after a restart lands somewhere sane. */
  bounds: Rect;
  maximized: boolean;
}

/** First launch, or a saved state that no longer fits any display. */
export const DEFAULT_WINDOW_SIZE = { width: 1400, height: 900 };
/** Smaller than this is not a layout anyone chose; the window would be unusable. */
export const MIN_WINDOW_SIZE = { width: 640, height: 400 };
/** Larger than any real display arrangement: a value this big is a corrupted file. */
const MAX_COORDINATE = 100_000;
/** How much of the window's top strip must lie on one display for the person to grab and move it. */
const GRAB_STRIP = { width: 100, height: 30 };

const isInt = (v: unknown, min: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX_COORDINATE;

/** Reads window-state.json; anything malformed or implausible counts as no saved state. */
export function parseWindowState(text: string | undefined): WindowState | undefined {
  if (!text) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object') return undefined;
  const { bounds, maximized } = raw as { bounds?: Partial<Rect>; maximized?: unknown };
  if (!bounds || typeof bounds !== 'object') return undefined;
  const { x, y, width, height } = bounds;
  if (!isInt(x, -MAX_COORDINATE) || !isInt(y, -MAX_COORDINATE)) return undefined;
  if (!isInt(width, MIN_WINDOW_SIZE.width) || !isInt(height, MIN_WINDOW_SIZE.height)) return undefined;
  return { bounds: { x, y, width, height }, maximized: maximized === true };
}

export function serializeWindowState(state: WindowState): string {
  return JSON.stringify(state, null, 2) + '\n';
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Where to open the window given the saved state and the displays' work areas now: the saved
 * bounds if the title strip is on a display (shrunk to fit it), otherwise no bounds (Electron
 * centres a default-sized window). A display that went away must not strand the window.
 */
export function restoreWindowState(
  saved: WindowState | undefined,
  workAreas: readonly Rect[],
): { bounds?: Rect; maximized: boolean } {
  if (!saved) return { maximized: false };
  const { bounds } = saved;
  const strip: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: GRAB_STRIP.height };
  const host = workAreas.find((area) => {
    const o = overlap(strip, area);
    return o.width >= GRAB_STRIP.width && o.height >= GRAB_STRIP.height;
  });
  if (!host) return { maximized: saved.maximized };
  return {
    bounds: {
      x: bounds.x,
      y: bounds.y,
      width: Math.min(bounds.width, Math.max(host.width, MIN_WINDOW_SIZE.width)),
      height: Math.min(bounds.height, Math.max(host.height, MIN_WINDOW_SIZE.height)),
    },
    maximized: saved.maximized,
  };
}

// ---- Navigation and permissions -----------------------------------------------------------

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * The window only ever shows the renderer's own page: a navigation is allowed when it is that
 * same file (a reload, or a hash change). Everything else (javascript:, data:, other files,
 * any web page) is refused, so nothing remote ever runs next to the preload.
 */
export function isAllowedNavigation(target: string, appUrl: string): boolean {
  const t = parseUrl(target);
  const a = parseUrl(appUrl);
  if (!t || !a || a.protocol !== 'file:') return false;
  return t.protocol === 'file:' && t.host === a.host && t.pathname === a.pathname;
}

/** Links the person clicks open in their browser, but only web links: never file:, never a custom scheme. */
export function externalUrl(target: string): string | undefined {
  const t = parseUrl(target);
  if (!t || (t.protocol !== 'http:' && t.protocol !== 'https:')) return undefined;
  return t.href;
}

/** Notifications are the only browser permission the studio uses; camera, geolocation and the rest are refused. */
export function isAllowedPermission(permission: string): boolean {
  return permission === 'notifications';
}

/** Sent with every response the window loads; the renderer's index.html carries the same policy in a meta tag. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Response headers with our CSP in place of any the response brought. */
export function withCsp(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

// ---- Menu ---------------------------------------------------------------------------------

export interface StudioMenuItem {
  label: string;
  accelerator: string;
  command: UiCommand;
}

/** Tiles 1-9 have a shortcut each; a crew bigger than that is reached with the mouse or the list. */
const SHORTCUT_TILES = 9;

/**
 * The "Studio" menu: each item sends one UiCommand down the pipe, the same ones browser mode
 * raises from keys. Cmd on a Mac; elsewhere Alt+digit and Alt+Shift+letter, because the menu
 * takes its keys before the terminals do, and Ctrl+B, Ctrl+L (Claude Code, shells) and plain
 * Alt+letter (readline's word moves) belong to them.
 */
export function studioMenuItems(platform: string = process.platform): StudioMenuItem[] {
  const mac = platform === 'darwin';
  const mod = mac ? 'Cmd' : 'Alt';
  const act = mac ? 'Cmd' : 'Alt+Shift';
  return [
    { label: 'Board', accelerator: `${act}+B`, command: { type: 'showBoard' } },
    { label: 'New task', accelerator: `${act}+N`, command: { type: 'newTask' } },
    { label: 'Add agent', accelerator: `${mod}+Shift+A`, command: { type: 'addAgent' } },
    { label: 'Toggle grid / list', accelerator: `${act}+L`, command: { type: 'toggleLayout' } },
    ...Array.from({ length: SHORTCUT_TILES }, (_, i) => ({
      label: `Tile ${i + 1}`,
      accelerator: `${mod}+${i + 1}`,
      command: { type: 'focusTile', index: i } as UiCommand,
    })),
  ];
}

// ---- Notifications ------------------------------------------------------------------------

/**
 * The tile an agent has in the window, in the renderer's order (renderer/src/state/studioState.ts
 * tileAgents): local agents, commander first, then by id. -1 for an agent without a tile.
 */
export function tileIndex(agents: readonly Agent[], agentId: number): number {
  return agents
    .filter((a) => a.kind === 'agent' && !a.remote)
    .sort((a, b) => Number(b.commander) - Number(a.commander) || a.id - b.id)
    .findIndex((a) => a.id === agentId);
}

export interface PermissionWatch {
  /** The agent that has just started waiting on a permission prompt, if this event says so. */
  observe(event: StudioEvent): Agent | undefined;
}

/**
 * Remembers each agent's last state so a notification fires once when an agent starts waiting
 * for permission, not again for every update while it waits.
 */
export function createPermissionWatch(initial: readonly Agent[]): PermissionWatch {
  const known = new Map<number, AgentState>(initial.map((a) => [a.id, a.state]));
  return {
    observe(event) {
      if (event.type === 'agent.removed') {
        known.delete(event.agentId);
        return undefined;
      }
      if (event.type === 'agent.added') {
        known.set(event.agent.id, event.agent.state);
        return undefined;
      }
      if (event.type !== 'agent.updated') return undefined;
      const { agent } = event;
      const previous = known.get(agent.id);
      known.set(agent.id, agent.state);
      if (agent.kind !== 'agent' || agent.state !== 'waiting_permission') return undefined;
      return previous === 'waiting_permission' ? undefined : agent;
    },
  };
}

export function permissionNotice(agent: Pick<Agent, 'name'>): { title: string; body: string } {
  return { title: `${agent.name} is waiting for you`, body: 'A permission prompt is open in its terminal.' };
}

// ---- The pipe -----------------------------------------------------------------------------

/** One document's connection to the studio over the shell's IPC channel. */
export interface WindowPipe {
  /** What servePipe serves. */
  endpoint: PipeEndpoint<PipeToStudio, PipeFromStudio>;
  /** A message that arrived on the channel from this window. */
  deliver(message: unknown): void;
  /** True once the window has sent anything on this connection. */
  readonly used: boolean;
  readonly closed: boolean;
  /** Ends the connection: servePipe lets go, and answers still in flight are dropped. */
  close(): void;
}

/**
 * A connection per document: a reloaded window starts from a clean one (no terminals attached,
 * no answers owed), and an answer to the page that went away is never delivered to its successor.
 */
export function createWindowPipe(send: (message: PipeFromStudio) => void): WindowPipe {
  const messageListeners = new Set<(message: PipeToStudio) => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  let used = false;
  const subscribe = <T>(set: Set<T>, listener: T): Disposable => {
    set.add(listener);
    return { dispose: () => void set.delete(listener) };
  };
  return {
    endpoint: {
      send(message) {
        if (!closed) send(message);
      },
      onMessage: (listener) => subscribe(messageListeners, listener),
      onClose: (listener) => subscribe(closeListeners, listener),
    },
    deliver(message) {
      if (closed) return;
      used = true;
      // servePipe checks each message's shape; anything else on the channel is dropped there.
      for (const l of [...messageListeners]) l(message as PipeToStudio);
    },
    get used() {
      return used;
    },
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const l of [...closeListeners]) l();
      messageListeners.clear();
      closeListeners.clear();
    },
  };
}

// ---- Native modules -----------------------------------------------------------------------

/** better-sqlite3's compiled module; scripts/electron-native.mjs writes it under this name. */
export const SQLITE_BINARY = 'better_sqlite3.node';

/**
 * Where the Electron-ABI build of better-sqlite3 is: in an installed app, the resources folder
 * (electron-builder's extraResources put it there); in a checkout, the folder
 * scripts/electron-native.mjs writes for this platform and arch. node_modules keeps Node's build,
 * which `npm test` and `ccstudio` load, so neither runtime ever loads the other's.
 */
export function electronSqliteBinding(where: {
  packaged: boolean;
  resourcesPath: string;
  appRoot: string;
  platform: string;
  arch: string;
  /** STUDIO_SQLITE_BINDING: a build made some other way (or, under a fake Electron, Node's). */
  override?: string | undefined;
}): string {
  if (where.override) return resolve(where.override);
  return where.packaged
    ? join(where.resourcesPath, 'native', SQLITE_BINARY)
    : join(where.appRoot, 'native', 'electron', `${where.platform}-${where.arch}`, SQLITE_BINARY);
}

/** What to tell the person when that build is missing, by how the app was started. */
export function missingBindingMessage(file: string, packaged: boolean): string {
  return packaged
    ? `This installation is incomplete: ${file} is missing. Reinstall Claude Code Studio.`
    : `better-sqlite3 has no build for Electron here (${file} is missing). ` +
        'Run `node scripts/electron-native.mjs`, or `npm start`, which builds it.';
}

// ---- The person's PATH ----------------------------------------------------------------------

/** Brackets the PATH in the shell's output: profiles may print banners around it. */
const PATH_MARK = '__CCSTUDIO_PATH__';
/** A login shell slower than this (a profile waiting on the network) is given up on. */
const SHELL_PATH_TIMEOUT_MS = 5000;

/** The line between the two mark lines of a shell's output: profiles may print around it. */
export function parseShellPath(output: string): string | undefined {
  const lines = output.split(/\r?\n/).map((line) => line.trim());
  const start = lines.indexOf(PATH_MARK);
  const end = start < 0 ? -1 : lines.indexOf(PATH_MARK, start + 1);
  if (end !== start + 2) return undefined;
  return lines[start + 1] || undefined;
}

/** The shell's entries first (that is where `claude` usually is), then the rest, each once. */
export function mergePaths(shellPath: string | undefined, current: string | undefined): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of [...(shellPath ?? '').split(delimiter), ...(current ?? '').split(delimiter)]) {
    if (!entry || seen.has(entry)) continue;
    seen.add(entry);
    out.push(entry);
  }
  return out.join(delimiter);
}

/**
 * The PATH the person's login shell sets up. An app started from the Dock, Finder or a desktop
 * menu gets a bare system PATH, without the folders where npm, Homebrew or nvm put `claude`;
 * agents started from there would fail with "command not found". Undefined when the shell cannot
 * say in time. The command is plain words and semicolons, which sh, bash, zsh and fish all read
 * alike; printenv prints PATH colon-separated even in fish, where $PATH is a list.
 */
export function loginShellPath(
  shell: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = SHELL_PATH_TIMEOUT_MS,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let out = '';
    let done = false;
    const finish = (path: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(path);
    };
    // Its own session (detached): an interactive shell started from a terminal would otherwise
    // take the terminal's foreground and stop the whole app with SIGTTIN, as with `app &`.
    const child = spawn(shell || '/bin/sh', ['-ilc', `echo ${PATH_MARK}; printenv PATH; echo ${PATH_MARK}`], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // Interactive bash and zsh ignore SIGTERM: a profile that blocks is ended with SIGKILL, to
    // the whole group, so nothing it started lingers.
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      finish(undefined);
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', () => finish(undefined));
    child.on('close', (code) => finish(code === 0 ? parseShellPath(out) : undefined));
  });
}
