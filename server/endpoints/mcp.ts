// MCP for agents: Streamable HTTP at /mcp, and the legacy SSE pair (GET /sse, POST /messages) for
// clients that still use it. One McpServer per session, bound to the agent its token names, which
// bearer auth hands each handler as its caller (mcp/bearerAuth.ts); one ownership check serves
// both transports (mcp/mcpSession.ts).
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { STUDIO_PATHS } from '../../main/contract/urls.js';
import type { AgentSide } from '../../main/core/agentSide.js';
import { HttpError, parseJsonRpc, readBody, type Handler } from '../http.js';
import { requireAgentAuth } from '../mcp/bearerAuth.js';
import { ownSession, type McpSession } from '../mcp/mcpSession.js';
import { MAX_STREAM_BUFFERED_BYTES, NodeHttpServerTransport } from '../mcp/nodeHttpTransport.js';
import { createSessionServer } from '../mcp/sessionServer.js';

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
const SESSION_SWEEP_MS = 60_000;

interface Session extends McpSession {
  server: McpServer;
}

export interface McpEndpoints {
  mcp: Handler;
  sse: Handler;
  messages: Handler;
  sessionCount(): number;
  close(): Promise<void>;
}

/** Refuses any method but `method` before anything else, a token included (as ever: 405 first). */
function only(method: string, refusal: string, handler: Handler): Handler {
  return async (req, res, url) => {
    if (req.method !== method) throw new HttpError(405, refusal);
    return handler(req, res, url);
  };
}

export function createMcpEndpoints(deps: {
  /** What an agent's tools may do; it also names the agent a bearer token belongs to. */
  side: AgentSide;
}): McpEndpoints {
  const { side } = deps;
  const clock = side.clock;
  const streamable = new Map<string, Session & { transport: NodeHttpServerTransport }>();
  const legacy = new Map<string, Session & { transport: SSEServerTransport; stream: ServerResponse }>();
  const authenticated = requireAgentAuth(side);
  const all = () => [...streamable.values(), ...legacy.values()];

  /** Makes room for one more session of `agentId` by closing its least recently used ones. */
  const capSessions = (agentId: number): void => {
    const mine = all().filter((s) => s.agentId === agentId);
    const excess = mine.length - MAX_SESSIONS_PER_AGENT + 1;
    if (excess <= 0) return;
    // Sessions a client holds a stream on are left to capStreams: some clients do not
    // re-initialize after a 404 and would lose their tools until restarted.
    const evictable = mine.filter((s) => !s.streaming()).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const s of evictable.slice(0, excess)) void s.close();
  };

  /** Makes room for one more event stream of `agentId` by closing its oldest. */
  const capStreams = (agentId: number): void => {
    const open = all()
      .filter((s) => s.agentId === agentId && s.streaming())
      .sort((a, b) => a.streamSince - b.streamSince);
    for (const s of open.slice(0, Math.max(0, open.length - MAX_STREAMS_PER_AGENT + 1))) void s.close();
  };

  /** A request on a session its caller owns: it was used now. */
  const use = <S extends Session>(sessions: ReadonlyMap<string, S>, id: string, agentId: number): S => {
    const session = ownSession(sessions, id, { agentId });
    session.lastUsed = clock.now();
    return session;
  };

  const mcp = authenticated(async (req, res) => {
    const { agentId } = req.auth;
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = use(streamable, sessionId, agentId);
      const body = req.method === 'POST' ? parseJsonRpc(await readBody(req)) : undefined;
      if (req.method === 'GET' && !session.streaming()) {
        capStreams(agentId);
        session.streamSince = clock.now();
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
    capSessions(agentId);
    const server = createSessionServer(side, agentId);
    const transport = new NodeHttpServerTransport(randomUUID());
    const session = {
      agentId,
      server,
      transport,
      lastUsed: clock.now(),
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
  });

  const sse = authenticated(async (req, res) => {
    const { agentId } = req.auth;
    const transport = new SSEServerTransport(STUDIO_PATHS.messages, res);
    const server = createSessionServer(side, agentId);
    capSessions(agentId);
    capStreams(agentId);
    legacy.set(transport.sessionId, {
      agentId,
      server,
      transport,
      stream: res,
      lastUsed: clock.now(),
      streamSince: clock.now(),
      streaming: () => !res.writableEnded && !res.destroyed,
      close: () => transport.close(),
    });
    transport.onclose = () => void legacy.delete(transport.sessionId);
    res.on('close', () => void legacy.delete(transport.sessionId));
    await server.connect(transport);
  });

  const messages = authenticated(async (req, res, url) => {
    const { agentId } = req.auth;
    const id = url.searchParams.get('sessionId');
    if (!id)
      throw new HttpError(400, `Missing sessionId query parameter: open GET ${STUDIO_PATHS.sse} first.`);
    const session = use(legacy, id, agentId);
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
  });

  const sweep = setInterval(() => {
    const cutoff = clock.now() - SESSION_IDLE_MS;
    for (const s of all()) if (s.lastUsed < cutoff && !s.streaming()) void s.close();
  }, SESSION_SWEEP_MS);
  sweep.unref();

  return {
    mcp,
    sse: only('GET', `GET ${STUDIO_PATHS.sse} opens the legacy event stream.`, sse),
    messages: only('POST', `POST ${STUDIO_PATHS.messages}?sessionId=... sends a message.`, messages),
    sessionCount: () => streamable.size + legacy.size,
    async close() {
      clearInterval(sweep);
      await Promise.allSettled(all().map((s) => s.close()));
      streamable.clear();
      legacy.clear();
    },
  };
}
