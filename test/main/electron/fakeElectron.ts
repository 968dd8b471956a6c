// Just enough of Electron's main-process API for main.ts to run under plain Node, recording what
// the shell asked of it. Where the real binary exists, test/electron/app.e2e.test.ts runs the real thing.
import { EventEmitter } from 'node:events';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}
export const fakeEvent = (): FakeEvent => ({
  defaultPrevented: false,
  preventDefault() {
    this.defaultPrevented = true;
  },
});

class FakeApp extends EventEmitter {
  readonly paths = new Map<string, string>();
  quitCalls = 0;
  exitCode: number | undefined;
  getPath(name: string): string {
    const p = this.paths.get(name);
    if (!p) throw new Error(`no fake path ${name}`);
    return p;
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  quit(): void {
    this.quitCalls++;
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.emit('will-quit');
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
}
export const app = new FakeApp();

export class FakeWebContents extends EventEmitter {
  readonly sent: Array<{ channel: string; message: unknown }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  private destroyed = false;
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, message: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    // Structured clone, as IPC does.
    this.sent.push({ channel, message: structuredClone(message) });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

type Bounds = { x: number; y: number; width: number; height: number };

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  bounds: Bounds;
  maximized = false;
  shown = false;
  loaded: string | undefined;
  private destroyed = false;
  constructor(readonly options: Record<string, unknown> & Partial<Bounds>) {
    super();
    this.bounds = {
      x: options.x ?? 10,
      y: options.y ?? 10,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    BrowserWindow.all.push(this);
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  loadFile(path: string): Promise<void> {
    this.loaded = path;
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  show(): void {
    this.shown = true;
  }
  focus(): void {}
  maximize(): void {
    this.maximized = true;
    this.emit('maximize');
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): Bounds {
    return { ...this.bounds };
  }
  setBounds(bounds: Bounds): void {
    this.bounds = bounds;
    this.emit('resize');
  }
  close(): void {
    this.emit('close', fakeEvent());
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

export const ipcMain = new EventEmitter();

export interface FakeMenuItem {
  label?: string;
  role?: string;
  type?: string;
  accelerator?: string;
  submenu?: FakeMenuItem[];
  click?: () => void;
}
export const Menu = {
  current: undefined as FakeMenuItem[] | undefined,
  buildFromTemplate: (template: FakeMenuItem[]) => template,
  setApplicationMenu(menu: FakeMenuItem[]) {
    Menu.current = menu;
  },
};

export class Notification extends EventEmitter {
  static readonly shown: Notification[] = [];
  static isSupported(): boolean {
    return true;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    Notification.shown.push(this);
  }
}

export const screen = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (r: { responseHeaders?: Record<string, string[]> }) => void,
) => void;
export const session = {
  defaultSession: {
    headersListener: undefined as HeadersListener | undefined,
    permissionRequest: undefined as ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined,
    permissionCheck: undefined as ((wc: unknown, p: string) => boolean) | undefined,
    webRequest: {
      onHeadersReceived(listener: HeadersListener) {
        session.defaultSession.headersListener = listener;
      },
    },
    setPermissionRequestHandler(h: (wc: unknown, p: string, cb: (ok: boolean) => void) => void) {
      session.defaultSession.permissionRequest = h;
    },
    setPermissionCheckHandler(h: (wc: unknown, p: string) => boolean) {
      session.defaultSession.permissionCheck = h;
    },
  },
};

export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    shell.opened.push(url);
    return Promise.resolve();
  },
};

export const dialog = {
  errors: [] as Array<[string, string]>,
  /** What the folder picker answers next, and what it was asked. */
  nextFolder: null as string | null,
  openDialogs: [] as unknown[],
  showErrorBox(title: string, content: string): void {
    dialog.errors.push([title, content]);
  },
  showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    dialog.openDialogs.push(args.at(-1));
    const path = dialog.nextFolder;
    return Promise.resolve(path ? { canceled: false, filePaths: [path] } : { canceled: true, filePaths: [] });
  },
};
