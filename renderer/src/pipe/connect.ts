// The renderer's one way to the studio: Electron's preload bridge when it is there, otherwise
// the studio's WebSocket (browser mode). Everything above this file is the same in both.
import type { Disposable } from '../../../main/contract/events.js';
import {
  createPipeClient,
  type PipeEndpoint,
  type PipeFromStudio,
  type PipeToStudio,
  type StudioClient,
} from '../../../main/contract/pipe.js';

/** What main/electron/preload.cts exposes: one channel, never more. */
export interface StudioPipeBridge {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

declare global {
  interface Window {
    studioPipe?: StudioPipeBridge;
  }
}

/** Where the browser-mode token lives once it is taken out of the address bar. */
const TOKEN_KEY = 'ccstudio.uiToken';

function bridgePipe(bridge: StudioPipeBridge): PipeEndpoint<PipeFromStudio, PipeToStudio> {
  return {
    send: (m) => bridge.send(m),
    onMessage: (l) => {
      const off = bridge.onMessage((m) => l(m as PipeFromStudio));
      return { dispose: off };
    },
    // The window and the studio live and die together in the desktop app.
    onClose: () => ({ dispose() {} }),
  };
}

function socketPipe(ws: WebSocket): PipeEndpoint<PipeFromStudio, PipeToStudio> {
  return {
    send: (m) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
    },
    onMessage: (l) => {
      const h = (e: MessageEvent) => {
        try {
          l(JSON.parse(String(e.data)) as PipeFromStudio);
        } catch {
          // A frame that is not JSON is not from the studio; ignore it.
        }
      };
      ws.addEventListener('message', h);
      return { dispose: () => ws.removeEventListener('message', h) };
    },
    onClose: (l) => {
      ws.addEventListener('close', l);
      return { dispose: () => ws.removeEventListener('close', l) } satisfies Disposable;
    },
  };
}

/**
 * Reads the UI token from ?token= or trades a one-time ?code= for it (either is then removed from
 * the address bar), or takes it from this tab's storage.
 */
export async function takeToken(
  location: Location,
  storage: Storage,
  history: History,
  exchange: (code: string) => Promise<string | null> = exchangeCode,
): Promise<string | null> {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  const code = url.searchParams.get('code');
  if (fromUrl || code) {
    url.searchParams.delete('token');
    url.searchParams.delete('code');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const token = fromUrl ?? (code ? await exchange(code) : null);
  if (token) {
    storage.setItem(TOKEN_KEY, token);
    return token;
  }
  return storage.getItem(TOKEN_KEY);
}

/** A one-time link's code, traded with the studio for the UI token (once: a second try fails). */
async function exchangeCode(code: string): Promise<string | null> {
  try {
    const res = await fetch('/ui/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    if (!res.ok) return null;
    const answer = (await res.json()) as { token?: unknown };
    return typeof answer.token === 'string' ? answer.token : null;
  } catch {
    return null;
  }
}

export type Connection =
  | { ok: true; client: StudioClient; mode: 'desktop' | 'browser'; closed: Promise<void> }
  /** `retry`: the studio could not be reached (it may be restarting), as opposed to refusing us. */
  | { ok: false; error: string; retry: boolean };

export async function connectStudio(): Promise<Connection> {
  if (window.studioPipe) {
    return {
      ok: true,
      client: createPipeClient(bridgePipe(window.studioPipe)),
      mode: 'desktop',
      closed: new Promise(() => {}),
    };
  }
  const oneTime = new URL(window.location.href).searchParams.has('code');
  const token = await takeToken(window.location, window.sessionStorage, window.history);
  if (!token) {
    return {
      ok: false,
      error: oneTime
        ? 'This one-time link was used already or has expired: open the link `ccstudio serve` printed.'
        : 'This page needs the studio URL with its token: open the link `ccstudio serve` printed.',
      retry: false,
    };
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${window.location.host}/ui?token=${encodeURIComponent(token)}`);
  const opened = await new Promise<boolean>((resolve) => {
    ws.addEventListener('open', () => resolve(true), { once: true });
    ws.addEventListener('error', () => resolve(false), { once: true });
  });
  if (!opened) {
    // A studio that answers but refused the socket no longer takes this token (it was restarted);
    // one that does not answer may be on its way back.
    const up = await fetch('/health', { cache: 'no-store' }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) window.sessionStorage.removeItem(TOKEN_KEY);
    return {
      ok: false,
      error: up
        ? 'The studio no longer accepts this link (it was restarted): open the link `ccstudio serve` printed.'
        : 'Could not connect to the studio. Is `ccstudio serve` running?',
      retry: !up,
    };
  }
  const closed = new Promise<void>((resolve) =>
    ws.addEventListener('close', () => resolve(), { once: true }),
  );
  return { ok: true, client: createPipeClient(socketPipe(ws)), mode: 'browser', closed };
}
