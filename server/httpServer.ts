import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PipeEndpoint, PipeFromStudio, PipeToStudio } from '../main/contract/pipe.js';
import { servePipe } from '../main/core/pipe/servePipe.js';
import { createUiStatic } from './uiStatic.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { MAX_REQUEST_BYTES } from '../main/contract/limits.js';
import type { Agent } from '../main/contract/model.js';
import type { Studio } from '../main/core/studio.js';
import { hashToken } from '../main/core/agents/agentRegistry.js';
import { handleRpc } from './rpc.js';
import { MAX_STREAM_BUFFERED_BYTES, NodeHttpServerTransport } from './mcp/nodeHttpTransport.js';
import { createSessionServer } from './mcp/sessionServer.js';

/** A session nobody has used for this long is closed; clients that vanish without DELETE leak otherwise. */
export const SESSION_IDLE_MS = 6 * 60 * 60_000;
/**
 * One Claude Code keeps one session; reconnects and one-shot clients (the Inspector CLI opens one
 * per call) add more. Past this many, an agent's least recently used session is closed.
 */
export const MAX_SESSIONS_PER_AGENT = 8;
/**
 * Event streams (an SSE GET held open) one agent may hold at once. Claude Code holds one; a
 * reconnect or two may overlap. Past this the agent's oldest stream is closed: 1,500 streams on
 * one token were once all kept (+170 MB, 1,529 descriptors).
 */
export const MAX_STREAMS_PER_AGENT = 4;
/** Connections open at once: 30 agents with a stream and a request each, the UI and the CLI fit many times over. */
export const MAX_CONNECTIONS = 512;
/** A client has this long to send its request headers (local clients take milliseconds)... */
export const HEADERS_TIMEOUT_MS = 5_000;
/** ...and this long for its whole request, body included: a body sent a byte at a time is cut off. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** How often Node checks those two timeouts. */
const TIMEOUT_CHECK_MS = 1_000;
const SESSION_SWEEP_MS = 60_000;
/**
 * A link handed to another program to open (xdg-open, open) sits on that program's command line,
 * which every local process can read. Such links carry a one-time code instead of the UI token:
 * the page trades it for the token once, within this long.
 */
export const UI_CODE_TTL_MS = 60_000;
/** Codes not yet used are few (one per --open); more than this and the oldest go. */
const MAX_UI_CODES = 16;

export interface McpHttpServerOptions {
  studio: Studio;
  /** 127.0.0.1 unless the person opts into another interface. */
  host?: string;
  port?: number;
  /** Token for /api (CLI and UI); agents' tokens never reach it. */
  adminToken: string;
  /** Token for the UI's WebSocket (/ui?token=...); without one, /ui is closed. */
  uiToken?: string;
  /** The built renderer (dist/renderer) served at / for browser mode; absent: no UI pages. */
  uiDir?: string;
}

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

/** A WebSocket as the pipe StudioService is served over. */
function socketPipe(ws: WebSocket, logger: Studio['logger']): PipeEndpoint<PipeToStudio, PipeFromStudio> {
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

export interface McpHttpServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  sessionCount(): number;
  /** A one-time code for a UI link (`/?code=...`), good once within UI_CODE_TTL_MS. */
  issueUiCode(): string;
  close(): Promise<void>;
}

interface Session {
  agentId: number;
  server: McpServer;
  lastUsed: number;
  /** When its event stream opened (the oldest goes first when an agent holds too many). */
  streamSince: number;
  /** A client holds a stream open on this session: it is alive, however long it stays quiet. */
  streaming(): boolean;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = -32000,
  ) {
    super(message);
  }
}

function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_BYTES) throw new HttpError(413, `Request body over ${MAX_REQUEST_BYTES} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new HttpError(413, `Request body over ${MAX_REQUEST_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Refuses "__proto__" keys outright: downstream copies would turn them into prototype changes. */
function noProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new HttpError(400, 'Invalid Request: "__proto__" keys are refused.', -32600);
  return value;
}

function parseJson(text: string): unknown {
  try {
    // The reviver costs a little; only bodies that could spell the key (directly or escaped) pay it.
    return text.includes('__proto__') || text.includes('\\u')
      ? JSON.parse(text, noProtoKeys)
      : JSON.parse(text);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, 'Parse error: the body is not valid JSON.', -32700);
  }
}

/** JSON-RPC 2.0: a request object or a non-empty batch of them; anything else never reaches the SDK. */
function parseJsonRpc(text: string): unknown {
  const body = parseJson(text);
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const ok = Array.isArray(body) ? body.length > 0 && body.every(isObject) : isObject(body);
  if (!ok)
    throw new HttpError(
      400,
      'Invalid Request: expected a JSON-RPC object or a non-empty batch of them.',
      -32600,
    );
  return body;
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(hashToken(a));
  const y = Buffer.from(hashToken(b));
  return timingSafeEqual(x, y);
}

/**
 * The studio's one HTTP listener: MCP over Streamable HTTP (/mcp) and legacy SSE (/sse, /messages),
 * the person's RPC (/api/rpc) and /health. Every request passes Host/Origin checks first (DNS
 * rebinding), then a bearer token; the agent is the token's owner, never an argument.
 */
export async function startMcpHttpServer(options: McpHttpServerOptions): Promise<McpHttpServer> {
  const { studio, adminToken } = options;
  const host = options.host ?? '127.0.0.1';
  const streamable = new Map<string, Session & { transport: NodeHttpServerTransport }>();
  const legacy = new Map<string, Session & { transport: SSEServerTransport; stream: ServerResponse }>();
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const authenticate = (req: IncomingMessage): Agent => {
    const token = bearer(req);
    const agent = token ? studio.agents.byToken(token) : undefined;
    if (!agent) {
      throw new HttpError(
        401,
        token
          ? "Invalid token: ask the studio for this agent's current token."
          : 'Missing Authorization: Bearer <token> header.',
      );
    }
    return agent;
  };

  const checkOrigin = (req: IncomingMessage): void => {
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (!allowedHosts.has(hostHeader)) throw new HttpError(403, `Host "${hostHeader}" is not allowed.`);
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) {
      throw new HttpError(403, `Origin "${origin}" is not allowed.`);
    }
  };

  /** Makes room for one more session of `agentId` by closing its least recently used ones. */
  const capSessions = (agentId: number): void => {
    const mine = [...streamable.values(), ...legacy.values()].filter((s) => s.agentId === agentId);
    const excess = mine.length - MAX_SESSIONS_PER_AGENT + 1;
    if (excess <= 0) return;
    // Sessions a client holds a stream on are left to capStreams: some clients do not
    // re-initialize after a 404 and would lose their tools until restarted.
    const evictable = mine.filter((s) => !s.streaming()).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const s of evictable.slice(0, excess)) void s.close();
  };

  /** Makes room for one more event stream of `agentId` by closing its oldest. */
  const capStreams = (agentId: number): void => {
    const open = [...streamable.values(), ...legacy.values()]
      .filter((s) => s.agentId === agentId && s.streaming())
      .sort((a, b) => a.streamSince - b.streamSince);
    for (const s of open.slice(0, Math.max(0, open.length - MAX_STREAMS_PER_AGENT + 1))) void s.close();
  };

  const sessionFor = <S extends Session>(map: Map<string, S>, id: string, agent: Agent): S => {
    const session = map.get(id);
    if (!session) throw new HttpError(404, 'Session not found: initialize a new session.', -32001);
    if (session.agentId !== agent.id) throw new HttpError(403, 'This session belongs to another agent.');
    session.lastUsed = studio.clock.now();
    return session;
  };

  const handleMcp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const agent = authenticate(req);
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessionFor(streamable, sessionId, agent);
      const body = req.method === 'POST' ? parseJsonRpc(await readBody(req)) : undefined;
      if (req.method === 'GET' && !session.streaming()) {
        capStreams(agent.id);
        session.streamSince = studio.clock.now();
      }
      await session.transport.handle(req, res, body);
      return;
    }
    if (req.method !== 'POST')
      throw new HttpError(400, 'Missing mcp-session-id header: POST an initialize request first.');
    const body = parseJsonRpc(await readBody(req));
    if (!isInitializeRequest(body)) {
      throw new HttpError(
        400,
        'Bad request: no mcp-session-id header, and the body is not an initialize request.',
      );
    }
    capSessions(agent.id);
    const server = createSessionServer(studio.agentSide, agent.id);
    const transport = new NodeHttpServerTransport(randomUUID());
    const session = {
      agentId: agent.id,
      server,
      transport,
      lastUsed: studio.clock.now(),
      streamSince: 0,
      streaming: () => transport.hasStream,
      close: () => transport.close(),
    };
    transport.onclose = () => void streamable.delete(transport.sessionId);
    // Registered before the answer goes out: the client's next request may arrive right after it.
    streamable.set(transport.sessionId, session);
    await server.connect(transport);
    await transport.handle(req, res, body);
    if (!transport.isInitialized) await transport.close();
  };

  const handleSse = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const agent = authenticate(req);
    const transport = new SSEServerTransport('/messages', res);
    const server = createSessionServer(studio.agentSide, agent.id);
    capSessions(agent.id);
    capStreams(agent.id);
    legacy.set(transport.sessionId, {
      agentId: agent.id,
      server,
      transport,
      stream: res,
      lastUsed: studio.clock.now(),
      streamSince: studio.clock.now(),
      streaming: () => !res.writableEnded && !res.destroyed,
      close: () => transport.close(),
    });
    transport.onclose = () => void legacy.delete(transport.sessionId);
    res.on('close', () => void legacy.delete(transport.sessionId));
    await server.connect(transport);
  };

  const handleLegacyPost = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const agent = authenticate(req);
    const id = url.searchParams.get('sessionId');
    if (!id) throw new HttpError(400, 'Missing sessionId query parameter: open GET /sse first.');
    const session = sessionFor(legacy, id, agent);
    const body = parseJsonRpc(await readBody(req));
    // Answers go out on the event stream: one its client has stopped reading only grows.
    if (session.stream.writableLength > MAX_STREAM_BUFFERED_BYTES) {
      await session.close();
      throw new HttpError(
        409,
        "This session's event stream is not being read; it was closed. Open a new one (GET /sse).",
      );
    }
    await session.transport.handlePostMessage(req, res, body);
  };

  /**
   * Claude Code hooks of a studio-run agent (see main/cli/hookReporter.mts). Only the hook
   * credential of the agent's running process is accepted here, and it is accepted nowhere else.
   */
  const handleHook = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const token = bearer(req);
    const agent = token ? studio.sessions.agentForHookToken(token) : undefined;
    if (!agent)
      throw new HttpError(401, 'Hooks report with the hook credential the studio launched the agent with.');
    if (req.method !== 'POST') throw new HttpError(405, 'POST the hook JSON.');
    const body = parseJson(await readBody(req));
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new HttpError(400, 'The hook body is a JSON object.');
    const answer = studio.sessions.hook(agent, body as Record<string, string>);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  };

  const uiCodes = new Map<string, number>();
  const issueUiCode = (): string => {
    const now = studio.clock.now();
    for (const [code, expires] of uiCodes) if (expires <= now) uiCodes.delete(code);
    while (uiCodes.size >= MAX_UI_CODES) uiCodes.delete(uiCodes.keys().next().value!);
    const code = 'ccsc_' + randomBytes(18).toString('base64url');
    uiCodes.set(code, now + UI_CODE_TTL_MS);
    return code;
  };
  /** The page of a one-time link trades its code for the UI token, once. */
  const handleUiSession = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST')
      throw new HttpError(405, 'POST {"code": ...} from the page a one-time link opened.');
    const body = parseJson(await readBody(req)) as { code?: unknown } | null;
    const code = body && typeof body === 'object' ? body.code : undefined;
    const expires = typeof code === 'string' ? uiCodes.get(code) : undefined;
    if (typeof code === 'string') uiCodes.delete(code);
    if (!options.uiToken || expires === undefined || expires <= studio.clock.now()) {
      throw new HttpError(
        401,
        'This one-time link was used already or has expired; open the link `ccstudio serve` printed.',
      );
    }
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ token: options.uiToken }));
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const token = bearer(req);
    if (!token || !sameSecret(token, adminToken))
      throw new HttpError(401, 'The studio API needs the admin token from studio.json.');
    if (req.method !== 'POST') throw new HttpError(405, 'POST a JSON body {method, params}.');
    const body = parseJson(await readBody(req));
    const answer = await handleRpc(studio.service, body);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  };

  const serveUi = createUiStatic(options.uiDir);
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      checkOrigin(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      switch (url.pathname) {
        case '/mcp':
          return await handleMcp(req, res);
        case '/sse':
          if (req.method !== 'GET') throw new HttpError(405, 'GET /sse opens the legacy event stream.');
          return await handleSse(req, res);
        case '/messages':
          if (req.method !== 'POST')
            throw new HttpError(405, 'POST /messages?sessionId=... sends a message.');
          return await handleLegacyPost(req, res, url);
        case '/hooks':
          return await handleHook(req, res);
        case '/api/rpc':
          return await handleApi(req, res);
        case '/ui/session':
          return await handleUiSession(req, res);
        case '/health':
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ok: true, name: 'ccstudio' }));
          return;
        default:
          if (options.uiDir && serveUi(req, res, url.pathname)) return;
          throw new HttpError(404, `Nothing at ${url.pathname}; MCP is at /mcp (or /sse).`);
      }
    } catch (err) {
      if (err instanceof HttpError) {
        const headers: Record<string, string> =
          err.status === 401 ? { 'www-authenticate': 'Bearer realm="ccstudio"' } : {};
        sendJsonRpcError(res, err.status, err.code, err.message, headers);
        return;
      }
      studio.logger.error('http request failed', { url: req.url, err: String(err) });
      sendJsonRpcError(res, 500, -32603, 'Internal error.');
    }
  };

  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
    (req, res) => void route(req, res),
  );
  server.maxConnections = MAX_CONNECTIONS;
  // The UI's pipe: StudioService and its events over one WebSocket, same checks as any request.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Node drops its own error handler once 'upgrade' fires; a reset socket must not crash us.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      checkOrigin(req);
    } catch (err) {
      return refuse(403, (err as Error).message.replace(/[^\x20-\x7e]/g, ''));
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ui') return refuse(404, 'Not Found');
    const token = url.searchParams.get('token');
    if (!options.uiToken || !token || !sameSecret(token, options.uiToken)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Oversize or malformed frames end this connection, never the studio.
      ws.on('error', () => ws.terminate());
      servePipe(studio, socketPipe(ws, studio.logger));
    });
  });
  // Keep-alive sockets let each agent reuse its connection; longer than clients' own idle timeouts.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => studio.logger.error('http server error', { err: String(err) }));
  server.on('clientError', (_err, socket) => socket.destroy());
  const port = (server.address() as AddressInfo).port;
  const wildcard = host === '0.0.0.0' || host === '::';
  // Bound to every interface: requests name the machine by one of its addresses or its hostname.
  const machineNames = wildcard
    ? [
        osHostname(),
        ...Object.values(networkInterfaces())
          .flat()
          .filter((i): i is NonNullable<typeof i> => !!i)
          .map((i) => (i.family === 'IPv6' ? `[${i.address}]` : i.address)),
      ]
    : [];
  const advertised = wildcard
    ? (Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1')
    : host;
  const hostPart = advertised.includes(':') ? `[${advertised}]` : advertised;
  const names = new Set([hostPart, '127.0.0.1', 'localhost', '[::1]', ...machineNames]);
  allowedHosts = new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
  allowedOrigins = new Set([...names].map((n) => `http://${n}:${port}`.toLowerCase()));

  const sweep = setInterval(() => {
    const cutoff = studio.clock.now() - SESSION_IDLE_MS;
    for (const s of [...streamable.values(), ...legacy.values()]) {
      if (s.lastUsed < cutoff && !s.streaming()) void s.close();
    }
  }, SESSION_SWEEP_MS);
  sweep.unref();

  return {
    url: `http://${hostPart}:${port}/mcp`,
    port,
    server,
    sessionCount: () => streamable.size + legacy.size,
    issueUiCode,
    async close() {
      clearInterval(sweep);
      for (const client of wss.clients) client.terminate();
      wss.close();
      const all = [...streamable.values(), ...legacy.values()];
      await Promise.allSettled(all.map((s) => s.close()));
      streamable.clear();
      legacy.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
