// The UI's pipe: StudioService, its events and the attached terminals over one WebSocket (/ui),
// behind the UI token; and the page of a one-time link trading its code for that token.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_REQUEST_BYTES } from '../../main/contract/limits.js';
import type { PipeEndpoint, PipeFromStudio, PipeToStudio } from '../../main/contract/pipe.js';
import { STUDIO_PATHS } from '../../main/contract/urls.js';
import { servePipe, type PipeHost } from '../../main/core/pipe/servePipe.js';
import type { Clock } from '../../main/core/util/clock.js';
import type { Logger } from '../../main/core/util/logger.js';
import { HttpError, parseJson, readBody, sameSecret, sendJson, type Handler } from '../http.js';

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
/**
 * A link handed to another program to open (xdg-open, open) sits on that program's command line,
 * which every local process can read. Such links carry a one-time code instead of the UI token:
 * the page trades it for the token once, within this long.
 */
export const UI_CODE_TTL_MS = 60_000;
/** Codes not yet used are few (one per --open); more than this and the oldest go. */
const MAX_UI_CODES = 16;

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
  /** POST STUDIO_PATHS.uiSession: a one-time code for the token. */
  session: Handler;
  /** A one-time code for a UI link (`/?code=...`), good once within UI_CODE_TTL_MS. */
  issueCode(): string;
  close(): void;
}

export function createUiEndpoints(deps: {
  host: PipeHost;
  /** Without one, /ui is closed and no code can be traded. */
  uiToken: string | undefined;
  clock: Clock;
  logger: Logger;
}): UiEndpoints {
  const { uiToken, clock } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  const codes = new Map<string, number>();
  const refuse = (socket: Socket, status: number, text: string) =>
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);

  return {
    upgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== STUDIO_PATHS.ui) return refuse(socket, 404, 'Not Found');
      const token = url.searchParams.get('token');
      if (!uiToken || !token || !sameSecret(token, uiToken)) return refuse(socket, 401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Oversize or malformed frames end this connection, never the studio.
        ws.on('error', () => ws.terminate());
        servePipe(deps.host, socketPipe(ws, deps.logger));
      });
    },
    async session(req, res) {
      if (req.method !== 'POST')
        throw new HttpError(405, 'POST {"code": ...} from the page a one-time link opened.');
      const body = parseJson(await readBody(req)) as { code?: unknown } | null;
      const code = body && typeof body === 'object' ? body.code : undefined;
      const expires = typeof code === 'string' ? codes.get(code) : undefined;
      if (typeof code === 'string') codes.delete(code);
      if (!uiToken || expires === undefined || expires <= clock.now()) {
        throw new HttpError(
          401,
          'This one-time link was used already or has expired; open the link `ccstudio serve` printed.',
        );
      }
      sendJson(res, 200, { token: uiToken }, { 'cache-control': 'no-store' });
    },
    issueCode() {
      const now = clock.now();
      for (const [code, expires] of codes) if (expires <= now) codes.delete(code);
      while (codes.size >= MAX_UI_CODES) codes.delete(codes.keys().next().value!);
      const code = 'ccsc_' + randomBytes(18).toString('base64url');
      codes.set(code, now + UI_CODE_TTL_MS);
      return code;
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
