// MCP for agents: Streamable HTTP at /mcp, and the legacy SSE pair (GET /sse, POST /messages) for
// clients that still use it. One McpServer per session, bound to the agent its token names. The
// parts are the SDK's: bearer auth hands each handler its caller (mcp/bearerAuth.ts), one
// ownership check serves both transports (mcp/mcpSession.ts), and the per-agent caps
// (mcp/sessionCap.ts) and the idle sweep (mcp/idleSweep.ts) are modules of their own.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { STUDIO_PATHS } from '../../main/contract/urls.js';
import type { AgentSide } from '../../main/core/agentSide.js';
import type { Clock } from '../../main/core/util/clock.js';
import { HttpError, parseJsonRpc, readBody, type Handler } from '../http/http.js';
import { requireAgentAuth, type AuthenticatedHandler, type AuthenticatedRequest } from '../mcp/bearerAuth.js';
import { startIdleSweep } from '../mcp/idleSweep.js';
import { ownSession, type McpSession } from '../mcp/mcpSession.js';
import { MAX_STREAM_BUFFERED_BYTES, NodeHttpServerTransport } from '../mcp/nodeHttpTransport.js';
import { capSessions, capStreams } from '../mcp/sessionCap.js';
import { createSessionServer } from '../mcp/sessionServer.js';

interface Session extends McpSession {
  server: McpServer;
}
type StreamableSession = Session & { transport: NodeHttpServerTransport };
type LegacySession = Session & { transport: SSEServerTransport; stream: ServerResponse };

export interface McpEndpoints {
  mcp: Handler;
  sse: Handler;
  messages: Handler;
  sessionCount(): number;
  close(): Promise<void>;
}

/** The open sessions of both transports, by id, and what the caps and the sweep see of them. */
class Sessions {
  readonly streamable = new Map<string, StreamableSession>();
  readonly legacy = new Map<string, LegacySession>();
  constructor(readonly clock: Clock) {}

  all(): Session[] {
    return [...this.streamable.values(), ...this.legacy.values()];
  }
  of(agentId: number): Session[] {
    return this.all().filter((s) => s.agentId === agentId);
  }
  get size(): number {
    return this.streamable.size + this.legacy.size;
  }
  /** A request on a session its caller owns (the one check of both transports): used now. */
  use<S extends Session>(sessions: ReadonlyMap<string, S>, id: string, agentId: number): S {
    const session = ownSession(sessions, id, { agentId });
    session.lastUsed = this.clock.now();
    return session;
  }
  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((s) => s.close()));
    this.streamable.clear();
    this.legacy.clear();
  }
}

/** Refuses any method but `method` before anything else, a token included (as ever: 405 first). */
function only(method: string, refusal: string, handler: Handler): Handler {
  return async (req, res, url) => {
    if (req.method !== method) throw new HttpError(405, refusal);
    return handler(req, res, url);
  };
}

/** A new Streamable HTTP session, from an initialize request its caller POSTed without one. */
async function initialize(
  side: AgentSide,
  sessions: Sessions,
  req: AuthenticatedRequest,
  res: ServerResponse,
): Promise<void> {
  const { agentId } = req.auth;
  const body = parseJsonRpc(await readBody(req));
  if (!isInitializeRequest(body)) {
    throw new HttpError(
      400,
      'Bad request: no mcp-session-id header, and the body is not an initialize request.',
    );
  }
  capSessions(sessions.of(agentId));
  const server = createSessionServer(side, agentId);
  const transport = new NodeHttpServerTransport(randomUUID());
  const session = {
    agentId,
    server,
    transport,
    lastUsed: sessions.clock.now(),
    streamSince: 0,
    streaming: () => transport.hasStream,
    close: () => transport.close(),
  };
  transport.onclose = () => void sessions.streamable.delete(transport.sessionId);
  // Registered before the answer goes out: the client's next request may arrive right after it.
  sessions.streamable.set(transport.sessionId, session);
  await server.connect(transport);
  await transport.handle(req, res, body);
  if (!transport.isInitialized) await transport.close();
}

/** `/mcp`: a request on a session its caller owns, or an initialize that opens one. */
function streamableHandler(side: AgentSide, sessions: Sessions): AuthenticatedHandler {
  return async (req, res) => {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId !== 'string') {
      if (req.method !== 'POST')
        throw new HttpError(400, 'Missing mcp-session-id header: POST an initialize request first.');
      return initialize(side, sessions, req, res);
    }
    const session = sessions.use(sessions.streamable, sessionId, req.auth.agentId);
    const body = req.method === 'POST' ? parseJsonRpc(await readBody(req)) : undefined;
    if (req.method === 'GET' && !session.streaming()) {
      capStreams(sessions.of(req.auth.agentId));
      session.streamSince = sessions.clock.now();
    }
    await session.transport.handle(req, res, body);
  };
}

/** `GET /sse`: a legacy session and its event stream, open while the client holds it. */
function sseHandler(side: AgentSide, sessions: Sessions): AuthenticatedHandler {
  return async (req, res) => {
    const { agentId } = req.auth;
    const transport = new SSEServerTransport(STUDIO_PATHS.messages, res);
    const server = createSessionServer(side, agentId);
    capSessions(sessions.of(agentId));
    capStreams(sessions.of(agentId));
    const now = sessions.clock.now();
    sessions.legacy.set(transport.sessionId, {
      agentId,
      server,
      transport,
      stream: res,
      lastUsed: now,
      streamSince: now,
      streaming: () => !res.writableEnded && !res.destroyed,
      close: () => transport.close(),
    });
    transport.onclose = () => void sessions.legacy.delete(transport.sessionId);
    res.on('close', () => void sessions.legacy.delete(transport.sessionId));
    await server.connect(transport);
  };
}

/** `POST /messages?sessionId=`: a message into a legacy session its caller owns. */
function messagesHandler(sessions: Sessions): AuthenticatedHandler {
  return async (req, res, url) => {
    const id = url.searchParams.get('sessionId');
    if (!id)
      throw new HttpError(400, `Missing sessionId query parameter: open GET ${STUDIO_PATHS.sse} first.`);
    const session = sessions.use(sessions.legacy, id, req.auth.agentId);
    const body = parseJsonRpc(await readBody(req));
    // Answers go out on the event stream: one its client has stopped reading only grows.
    if (session.stream.writableLength > MAX_STREAM_BUFFERED_BYTES) {
      await session.close();
      throw new HttpError(
        409,
        `This session's event stream is not being read; it was closed. Open a new one (GET ${STUDIO_PATHS.sse}).`,
      );
    }
    await session.transport.handlePostMessage(req, res, body);
  };
}

export function createMcpEndpoints(deps: {
  /** What an agent's tools may do; it also names the agent a bearer token belongs to. */
  side: AgentSide;
}): McpEndpoints {
  const { side } = deps;
  const sessions = new Sessions(side.clock);
  const authenticated = requireAgentAuth(side);
  const sweep = startIdleSweep({ clock: side.clock, sessions: () => sessions.all() });
  return {
    mcp: authenticated(streamableHandler(side, sessions)),
    sse: only(
      'GET',
      `GET ${STUDIO_PATHS.sse} opens the legacy event stream.`,
      authenticated(sseHandler(side, sessions)),
    ),
    messages: only(
      'POST',
      `POST ${STUDIO_PATHS.messages}?sessionId=... sends a message.`,
      authenticated(messagesHandler(sessions)),
    ),
    sessionCount: () => sessions.size,
    async close() {
      sweep.dispose();
      await sessions.close();
    },
  };
}
