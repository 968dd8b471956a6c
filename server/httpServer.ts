// The studio's one HTTP listener. `listen` binds it (so the host knows every URL before it builds
// the studio); `serveStudio` routes it: each request passes the Host/Origin check (DNS rebinding)
// first, then goes to the endpoint that owns its path (server/endpoints/), each with its own
// credential. Slow, greedy and stalled clients are bounded here and in the endpoints; the cap on
// connections is connectionGuard.ts, which keeps room for callers with a credential.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { STUDIO_PATHS, studioUrls, type StudioUrls } from '../main/contract/urls.js';
import type { Studio } from '../main/core/studio.js';
import type { Logger } from '../main/core/util/logger.js';
import { guardConnections, type ConnectionGuard } from './connectionGuard.js';
import { apiEndpoint, uiCodeEndpoint } from './endpoints/api.js';
import { hooksEndpoint, hookWaitEndpoint } from './endpoints/hooks.js';
import { createMcpEndpoints } from './endpoints/mcp.js';
import { createUiEndpoints } from './endpoints/uiSocket.js';
import { createUiStatic } from './endpoints/uiStatic.js';
import { refuseHost } from './hostCheck.js';
import { bearer, HttpError, sameSecret, sendJson, sendJsonRpcError, type Handler } from './http/http.js';

export { MAX_SESSIONS_PER_AGENT, MAX_STREAMS_PER_AGENT } from './mcp/sessionCap.js';
export { SESSION_IDLE_MS } from './mcp/idleSweep.js';
export { MAX_UI_BUFFERED_BYTES, UI_SIGNED_OUT_CODE, UI_TOO_SLOW_CODE } from './endpoints/uiSocket.js';
export {
  MAX_CONNECTIONS,
  MAX_UNAUTHENTICATED_CONNECTIONS,
  RESERVED_FOR_AUTHENTICATED,
} from './connectionGuard.js';

/** A client has this long to send its request headers (local clients take milliseconds)... */
export const HEADERS_TIMEOUT_MS = 5_000;
/** ...and this long for its whole request, body included: a body sent a byte at a time is cut off. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** How often Node checks those two timeouts. */
const TIMEOUT_CHECK_MS = 1_000;
/** Keep-alive sockets let each agent reuse its connection; longer than clients' own idle timeouts. */
const KEEP_ALIVE_MS = 65_000;

/** Answers that close their connection, whoever asked: unauthorized, forbidden, nothing there. */
const REFUSALS = new Set([401, 403, 404]);

/** A bound listener, before it serves anything: its port and URLs are known. */
export interface Listener {
  readonly server: Server;
  readonly port: number;
  readonly urls: StudioUrls;
  /** Host headers (host:port) and Origins a request may carry. */
  readonly allowedHosts: ReadonlySet<string>;
  readonly allowedOrigins: ReadonlySet<string>;
  /** The connection cap: who is authenticated, and who makes room for whom (connectionGuard.ts). */
  readonly connections: ConnectionGuard;
  close(): Promise<void>;
}

/**
 * Binds the listener: 127.0.0.1 unless the person opts into another interface; port 0 picks a
 * free one. Fails with the socket's error (EADDRINUSE for a taken port).
 */
export async function listen(
  options: { host?: string; port?: number; logger?: Logger } = {},
): Promise<Listener> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer({
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  const connections = guardConnections(server, options.logger);
  // Every socket, upgraded ones too (the UI's WebSocket), which the server stops tracking.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let closing: Promise<void> | undefined;
  const port = (server.address() as AddressInfo).port;
  const wildcard = host === '0.0.0.0' || host === '::';
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NonNullable<typeof i> => !!i);
  // Bound to every interface: requests name the machine by one of its addresses or its hostname.
  const machineNames = wildcard
    ? [osHostname(), ...addresses.map((i) => (i.family === 'IPv6' ? `[${i.address}]` : i.address))]
    : [];
  const advertised = wildcard
    ? (addresses.find((i) => i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1')
    : host;
  const hostPart = advertised.includes(':') ? `[${advertised}]` : advertised;
  const names = new Set([hostPart, '127.0.0.1', 'localhost', '[::1]', ...machineNames]);
  return {
    server,
    port,
    urls: studioUrls(`http://${hostPart}:${port}`),
    allowedHosts: new Set([...names].map((n) => `${n}:${port}`.toLowerCase())),
    allowedOrigins: new Set([...names].map((n) => `http://${n}:${port}`.toLowerCase())),
    connections,
    // Stops listening at once (the port is free for a studio started again right away), then
    // drops whatever connections are left rather than waiting on them.
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      })),
  };
}

export interface StudioServerOptions {
  studio: Studio;
  /** Token for the person's API (CLI); agents' tokens never reach it. */
  adminToken: string;
  /**
   * The UI token (the link `serve` prints): a tab trades it for a session of its own, which is what
   * opens the UI's WebSocket. Without one, only one-time links' codes let a tab in.
   */
  uiToken?: string;
  /** The built renderer (dist/renderer) served at / for browser mode; absent: no UI pages. */
  uiDir?: string;
}

export interface McpHttpServer {
  /** The MCP endpoint (urls.mcp). */
  readonly url: string;
  readonly urls: StudioUrls;
  readonly port: number;
  readonly server: Server;
  sessionCount(): number;
  /** A one-time code for a UI link (`/#code=...`), good once within TAB_CODE_TTL_MS. */
  issueUiCode(): string;
  close(): Promise<void>;
}

/**
 * Whether a request shows a credential this studio issued (the admin token, an agent's, a hook's,
 * a tab's session, the UI's), read from its headers alone, so its connection is known before any body is read.
 * Which credential a path takes is still its endpoint's to decide: this only tells the
 * connection cap whom to keep. A credential kind added later belongs here too.
 */
function credentialCheck({
  studio,
  adminToken,
  uiToken,
}: StudioServerOptions): (req: IncomingMessage) => boolean {
  return (req) => {
    const token = bearer(req);
    if (token)
      return (
        sameSecret(token, adminToken) ||
        studio.agentByToken(token) !== undefined ||
        studio.agentForHookToken(token) !== undefined
      );
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    // A tab's session (its UI socket), or the UI token (the printed link, traded for a session).
    const session = query.get('session');
    if (session) return studio.tabs.verify(session) !== undefined;
    const fromLink = query.get('token');
    return !!fromLink && !!uiToken && sameSecret(fromLink, uiToken);
  };
}

/** Serves the studio on a bound listener: every endpoint, each behind its own credential. */
export function serveStudio(listener: Listener, options: StudioServerOptions): McpHttpServer {
  const { studio } = options;
  const mcp = createMcpEndpoints({ side: studio.agentSide });
  const ui = createUiEndpoints({
    host: studio,
    tabs: studio.tabs,
    uiToken: options.uiToken,
    logger: studio.logger,
  });
  const staticUi = options.uiDir ? createUiStatic(options.uiDir) : undefined;
  const routes = new Map<string, Handler>([
    [STUDIO_PATHS.mcp, mcp.mcp],
    [STUDIO_PATHS.sse, mcp.sse],
    [STUDIO_PATHS.messages, mcp.messages],
    [
      STUDIO_PATHS.hooks,
      hooksEndpoint({
        agentForHookToken: (token) => studio.agentForHookToken(token),
        answer: (agent, payload, signal) => studio.answerHook(agent, payload, signal),
        logger: studio.logger,
      }),
    ],
    [
      STUDIO_PATHS.hookWait,
      hookWaitEndpoint({
        agentForHookToken: (token) => studio.agentForHookToken(token),
        wait: (agent, request, signal) => studio.waitForMail(agent, request, signal),
      }),
    ],
    [STUDIO_PATHS.api, apiEndpoint(studio.service, options.adminToken)],
    [STUDIO_PATHS.uiCode, uiCodeEndpoint(options.adminToken, () => studio.tabs.issueCode())],
    [STUDIO_PATHS.uiSession, ui.session],
    // Anyone may ask, and nobody keeps a connection by asking (see connectionGuard.ts).
    [
      STUDIO_PATHS.health,
      async (_req, res) => sendJson(res, 200, { ok: true, name: 'ccstudio' }, { connection: 'close' }),
    ],
  ]);

  const showsCredential = credentialCheck(options);

  const checkOrigin = (req: IncomingMessage): void => {
    const refused = refuseHost(listener, req.headers.host, req.headers.origin);
    if (refused) throw new HttpError(403, refused);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      checkOrigin(req);
      // A connection is kept between requests only for a caller with a credential.
      if (showsCredential(req)) listener.connections.vouch(req.socket);
      else res.setHeader('connection', 'close');
      const url = new URL(req.url ?? '/', 'http://localhost');
      const handler = routes.get(url.pathname);
      if (handler) return await handler(req, res, url);
      if (staticUi?.(req, res, url.pathname)) return;
      throw new HttpError(
        404,
        `Nothing at ${url.pathname}; MCP is at ${STUDIO_PATHS.mcp} (or ${STUDIO_PATHS.sse}).`,
      );
    } catch (err) {
      if (err instanceof HttpError) {
        const headers: Record<string, string> =
          err.status === 401 ? { 'www-authenticate': 'Bearer realm="ccstudio"' } : {};
        // A refusal ends the connection: whoever was refused keeps nothing open by it.
        if (REFUSALS.has(err.status)) headers.connection = 'close';
        sendJsonRpcError(res, err.status, err.code, err.message, headers);
        return;
      }
      studio.logger.error('http request failed', { url: req.url, err: String(err) });
      sendJsonRpcError(res, 500, -32603, 'Internal error.');
    }
  };

  const upgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    // Node drops its own error handler once 'upgrade' fires; a reset socket must not crash us.
    socket.on('error', () => socket.destroy());
    try {
      checkOrigin(req);
    } catch (err) {
      const text = (err as Error).message.replace(/[^\x20-\x7e]/g, '');
      socket.end(`HTTP/1.1 403 ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (showsCredential(req)) listener.connections.vouch(socket);
    listener.connections.upgraded(socket);
    ui.upgrade(req, socket, head);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => void route(req, res);
  const onError = (err: Error) => studio.logger.error('http server error', { err: String(err) });
  listener.server.on('request', onRequest);
  listener.server.on('upgrade', upgrade);
  listener.server.on('error', onError);

  return {
    url: listener.urls.mcp,
    urls: listener.urls,
    port: listener.port,
    server: listener.server,
    sessionCount: () => mcp.sessionCount(),
    issueUiCode: () => studio.tabs.issueCode(),
    async close() {
      // The port first: nothing after this may hold it while the studio winds down.
      const closed = listener.close();
      ui.close();
      await mcp.close();
      listener.server.off('request', onRequest);
      listener.server.off('upgrade', upgrade);
      await closed;
    },
  };
}
