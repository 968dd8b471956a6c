// The UI's pipe: StudioService, its events and the attached terminals over one WebSocket (/ui),
// for a browser tab holding a session of its own (see main/core/tabs/tabSessions.ts); and where a
// tab gets that session, by trading a one-time link's code or the UI token (the printed link).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_REQUEST_BYTES } from '../../main/contract/limits.js';
import type { PipeEndpoint, PipeFromStudio, PipeToStudio } from '../../main/contract/pipe.js';
import { STUDIO_PATHS } from '../../main/contract/urls.js';
import { servePipe, type PipeHost } from '../../main/core/pipe/servePipe.js';
import type { TabEndReason, TabSessions } from '../../main/core/tabs/tabSessions.js';
import type { Logger } from '../../main/core/util/logger.js';
import { HttpError, parseJson, readBody, sameSecret, sendJson, type Handler } from '../http/http.js';

/**
 * What a UI connection may have waiting to be sent before it is cut off. Terminal output is held
 * to about FLOW_HIGH_WATER_CHARS per attached agent by flow control; events are small. A client
 * this far behind has stopped reading: holding more for it would only grow the studio's memory.
 */
export const MAX_UI_BUFFERED_BYTES = 16 * 1024 * 1024;
/** How long a cut-off client gets to read the close frame before its socket is destroyed. */
const UI_CLOSE_GRACE_MS = 2000;
/** The close code a cut-off client sees (4000-4999 are the application's own). */
export const UI_TOO_SLOW_CODE = 4001;
/** The close code a tab whose session was ended (or expired) sees: it must not just reconnect. */
export const UI_SIGNED_OUT_CODE = 4003;

/** A WebSocket as the pipe StudioService is served over, cut off if it stops reading. */
function socketPipe(ws: WebSocket, logger: Logger): PipeEndpoint<PipeToStudio, PipeFromStudio> {
  return {
    send: (m) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_UI_BUFFERED_BYTES) {
        // It reconnects and loads a fresh view; nothing more is queued for it meanwhile.
        logger.warn('a UI connection fell too far behind; closing it', { buffered: ws.bufferedAmount });
        ws.close(UI_TOO_SLOW_CODE, 'This window fell too far behind; reconnect to catch up.');
        setTimeout(() => ws.terminate(), UI_CLOSE_GRACE_MS).unref();
        return;
      }
      ws.send(JSON.stringify(m));
    },
    onMessage: (listener) => {
      const handler = (data: Buffer) => {
        try {
          listener(JSON.parse(data.toString('utf8')) as PipeToStudio);
        } catch {
          ws.close(1007, 'Messages are JSON.');
        }
      };
      ws.on('message', handler);
      return { dispose: () => void ws.off('message', handler) };
    },
    onClose: (listener) => {
      ws.on('close', listener);
      return { dispose: () => void ws.off('close', listener) };
    },
  };
}

export interface UiEndpoints {
  /** The WebSocket upgrade for STUDIO_PATHS.ui (after the listener checked Host and Origin). */
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void;
  /** POST STUDIO_PATHS.uiSession: a one-time code, or the UI token, for a tab's own session. */
  session: Handler;
  close(): void;
}

/** What a tab is told when its session ends while it is connected. */
const SIGNED_OUT: Record<TabEndReason, string> = {
  ended: 'This tab was signed out from the studio.',
  expired: "This tab's session expired.",
  replayed: 'The link that opened this tab was used twice, so the studio ended its session.',
  revoked: "The studio's UI token was replaced.",
  crowded: 'Too many tabs were opened: this one, used least recently, was signed out.',
};

export function createUiEndpoints(deps: {
  host: PipeHost;
  tabs: Pick<TabSessions, 'verify' | 'attach' | 'redeemCode' | 'open' | 'onDidEnd'>;
  /** The printed link's token, traded for a tab's session; without one, only codes are. */
  uiToken: string | undefined;
  logger: Logger;
}): UiEndpoints {
  const { tabs, uiToken } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  const refuse = (socket: Socket, status: number, text: string) =>
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  /** Each session's open connections, so ending it closes them at once. */
  const sockets = new Map<number, Set<WebSocket>>();
  const onEnd = tabs.onDidEnd(({ id, reason }) => {
    for (const ws of sockets.get(id) ?? []) {
      ws.close(UI_SIGNED_OUT_CODE, SIGNED_OUT[reason]);
      setTimeout(() => ws.terminate(), UI_CLOSE_GRACE_MS).unref();
    }
  });

  return {
    upgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== STUDIO_PATHS.ui) return refuse(socket, 404, 'Not Found');
      const token = url.searchParams.get('session');
      const tab = token ? tabs.verify(token) : undefined;
      if (!tab) return refuse(socket, 401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Oversize or malformed frames end this connection, never the studio.
        ws.on('error', () => ws.terminate());
        const attached = tabs.attach(tab.id);
        if (!attached) return ws.close(UI_SIGNED_OUT_CODE, SIGNED_OUT.ended);
        const mine = sockets.get(tab.id) ?? new Set<WebSocket>();
        sockets.set(tab.id, mine.add(ws));
        ws.once('close', () => {
          mine.delete(ws);
          if (!mine.size && sockets.get(tab.id) === mine) sockets.delete(tab.id);
          attached.dispose();
        });
        servePipe(deps.host, socketPipe(ws, deps.logger));
      });
    },
    async session(req, res) {
      if (req.method !== 'POST')
        throw new HttpError(405, 'POST {"code": ...} from the page a one-time link opened.');
      const body = parseJson(await readBody(req)) as { code?: unknown; token?: unknown } | null;
      const fields = body && typeof body === 'object' ? body : {};
      const userAgent = String(req.headers['user-agent'] ?? '');
      let opened: ReturnType<TabSessions['open']>;
      if (typeof fields.code === 'string') {
        const redeemed = tabs.redeemCode(fields.code, userAgent);
        if (!redeemed.ok)
          throw new HttpError(
            401,
            redeemed.reason === 'replayed'
              ? 'This one-time link was used already, so it opens nothing now (and the tab it opened first was signed out). Open a new one with `ccstudio open`.'
              : 'This one-time link was used already or has expired: open a new one with `ccstudio open`.',
          );
        opened = redeemed;
      } else if (typeof fields.token === 'string' && uiToken && sameSecret(fields.token, uiToken)) {
        opened = tabs.open('token', userAgent);
      } else {
        throw new HttpError(
          401,
          'This link does not open the studio (a wrong or replaced token): open the link `ccstudio serve` printed, or a new one with `ccstudio open`.',
        );
      }
      sendJson(
        res,
        200,
        { session: opened.token, id: opened.tab.id, expiresAt: opened.tab.expiresAt },
        { 'cache-control': 'no-store' },
      );
    },
    close() {
      onEnd.dispose();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
