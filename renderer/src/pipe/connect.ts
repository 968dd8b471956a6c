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

/** Where a browser tab keeps its own session (this tab only: sessionStorage), across reloads. */
const TAB_KEY = 'ccstudio.tab';
/** Where pages before tab sessions kept the UI token itself: traded once for a session, then dropped. */
const LEGACY_TOKEN_KEY = 'ccstudio.uiToken';
/** The close code of a tab whose session was ended (server/endpoints/uiSocket.ts). */
const SIGNED_OUT_CODE = 4003;

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

/** This tab's session: the token its socket opens with, and its id in the studio's list of tabs. */
export interface TabCredential {
  session: string;
  id: number;
}

/** What a tab trades for a session: a one-time link's code, or the UI token of the printed link. */
export type Grant = { code: string } | { token: string };

export type Exchange = (grant: Grant) => Promise<TabCredential | { error: string }>;

/**
 * This tab's session: traded for the UI token (`?token=`, the printed link) or a one-time code
 * (`#code=`, or `?code=` from older openers), either then taken out of the address bar; or the one
 * this tab kept from before (a reload, a restart of the studio). An error says why a link did not
 * let the tab in; null means the page was opened with no link at all.
 */
export async function takeTab(
  location: Location,
  storage: Storage,
  history: History,
  exchange: Exchange = exchangeGrant,
): Promise<TabCredential | { error: string } | null> {
  const url = new URL(location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const token = url.searchParams.get('token');
  const code = fragment.get('code') ?? url.searchParams.get('code');
  if (token !== null || code !== null) {
    url.searchParams.delete('token');
    url.searchParams.delete('code');
    // A fragment is rewritten only when it held the code: anything else in it stays as it was.
    if (fragment.has('code')) {
      fragment.delete('code');
      url.hash = fragment.toString();
    }
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const legacy = storage.getItem(LEGACY_TOKEN_KEY);
  storage.removeItem(LEGACY_TOKEN_KEY);
  const grant: Grant | null = code ? { code } : token ? { token } : legacy ? { token: legacy } : null;
  const kept = readKept(storage);
  if (!grant) return kept;
  const got = await exchange(grant);
  if ('session' in got) {
    storage.setItem(TAB_KEY, JSON.stringify(got));
    return got;
  }
  // A link that no longer works, in a tab that is in already (a second look at an old link).
  return kept ?? got;
}

function readKept(storage: Storage): TabCredential | null {
  try {
    const kept = JSON.parse(storage.getItem(TAB_KEY) ?? 'null') as Partial<TabCredential> | null;
    return kept && typeof kept.session === 'string' && typeof kept.id === 'number'
      ? { session: kept.session, id: kept.id }
      : null;
  } catch {
    return null;
  }
}

/** Trades a code or the UI token for this tab's own session (a code only once). */
async function exchangeGrant(grant: Grant): Promise<TabCredential | { error: string }> {
  try {
    const res = await fetch('/ui/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(grant),
    });
    const answer = (await res.json()) as { session?: unknown; id?: unknown; error?: { message?: unknown } };
    if (res.ok && typeof answer.session === 'string' && typeof answer.id === 'number')
      return { session: answer.session, id: answer.id };
    const message = answer.error?.message;
    return {
      error: typeof message === 'string' ? message : `The studio refused this link (HTTP ${res.status}).`,
    };
  } catch {
    return { error: 'Could not reach the studio to open this link. Is `ccstudio serve` running?' };
  }
}

/** Why the studio last closed this tab's connection for good, to say when reconnecting fails. */
let signedOut: string | null = null;

export type Connection =
  | {
      ok: true;
      client: StudioClient;
      mode: 'desktop' | 'browser';
      closed: Promise<void>;
      /** This tab's id in the studio's list of tabs (browser mode). */
      tabId: number | null;
    }
  /** `retry`: the studio could not be reached (it may be restarting), as opposed to refusing us. */
  | { ok: false; error: string; retry: boolean };

const SIGNED_OUT =
  'This tab is signed out (ended from the studio, expired, or the UI token was replaced): open a new ' +
  'link with `ccstudio open`, or the one `ccstudio serve` printed.';

export async function connectStudio(): Promise<Connection> {
  if (window.studioPipe) {
    return {
      ok: true,
      client: createPipeClient(bridgePipe(window.studioPipe)),
      mode: 'desktop',
      closed: new Promise(() => {}),
      tabId: null,
    };
  }
  const tab = await takeTab(window.location, window.sessionStorage, window.history);
  if (!tab)
    return {
      ok: false,
      error:
        'This page needs a link to the studio: open the one `ccstudio serve` printed, or run `ccstudio open`.',
      retry: false,
    };
  if ('error' in tab) return { ok: false, error: tab.error, retry: false };
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(
    `${scheme}://${window.location.host}/ui?session=${encodeURIComponent(tab.session)}`,
  );
  const opened = await new Promise<boolean>((resolve) => {
    ws.addEventListener('open', () => resolve(true), { once: true });
    ws.addEventListener('error', () => resolve(false), { once: true });
  });
  if (!opened) {
    // A studio that answers but refused the socket no longer takes this tab's session; one that
    // does not answer may be on its way back (a restart: the session outlives it).
    const up = await fetch('/health', { cache: 'no-store' }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) window.sessionStorage.removeItem(TAB_KEY);
    return {
      ok: false,
      error: up
        ? signedOut
          ? `${signedOut} Open a new link with \`ccstudio open\`, or the one \`ccstudio serve\` printed.`
          : SIGNED_OUT
        : 'Could not connect to the studio. Is `ccstudio serve` running?',
      retry: !up,
    };
  }
  signedOut = null;
  const closed = new Promise<void>((resolve) =>
    ws.addEventListener(
      'close',
      (e) => {
        if (e.code === SIGNED_OUT_CODE) signedOut = e.reason || null;
        resolve();
      },
      { once: true },
    ),
  );
  return { ok: true, client: createPipeClient(socketPipe(ws)), mode: 'browser', closed, tabId: tab.id };
}
