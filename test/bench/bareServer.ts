// A bare MCP server for the bench's baseline: the same SDK transports, set up the way
// server/httpServer.ts sets them up (one McpServer per session, Streamable HTTP with
// enableJsonResponse and stateful sessions, legacy SSE at /sse + /messages, the body read and
// parsed before the transport sees it), but with one no-op tool and no tokens, Host checks or
// SQLite. The studio/bare ratio is then the studio's own cost per call.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { BARE_TOOL } from './protocol.js';

export interface BareServer {
  /** Streamable HTTP endpoint; the legacy stream is at the same origin's /sse. */
  readonly url: string;
  sessionCount(): number;
  close(): Promise<void>;
}

function createBareSessionServer(): McpServer {
  const server = new McpServer({ name: 'bare', version: '0.0.0' }, { capabilities: { tools: {} } });
  server.registerTool(
    BARE_TOOL,
    {
      description: 'Does nothing.',
      // The union of send_message's and check_inbox's arguments, so the SDK validates comparable input.
      inputSchema: z.strictObject({
        to: z.string().min(1).max(32).optional(),
        text: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(200).optional(),
        peek: z.boolean().optional(),
      }),
      annotations: { readOnlyHint: true },
    },
    () => ({ content: [{ type: 'text' as const, text: 'ok' }] }),
  );
  return server;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

export async function startBareServer(): Promise<BareServer> {
  const streamable = new Map<string, { server: McpServer; transport: StreamableHTTPServerTransport }>();
  const legacy = new Map<string, { server: McpServer; transport: SSEServerTransport }>();

  const handleMcp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = streamable.get(sessionId);
      if (!session) return fail(res, 404, 'Session not found');
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      await session.transport.handleRequest(req, res, body);
      return;
    }
    if (req.method !== 'POST') return fail(res, 400, 'Missing mcp-session-id');
    const body = await readBody(req);
    if (!isInitializeRequest(body)) return fail(res, 400, 'Not an initialize request');
    const server = createBareSessionServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => void streamable.set(id, { server, transport }),
    });
    transport.onclose = () => {
      if (transport.sessionId) streamable.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const handleSse = async (_req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const transport = new SSEServerTransport('/messages', res);
    const server = createBareSessionServer();
    legacy.set(transport.sessionId, { server, transport });
    transport.onclose = () => void legacy.delete(transport.sessionId);
    res.on('close', () => void legacy.delete(transport.sessionId));
    await server.connect(transport);
  };

  const handleLegacyPost = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const session = legacy.get(url.searchParams.get('sessionId') ?? '');
    if (!session) return fail(res, 404, 'Session not found');
    const body = await readBody(req);
    await session.transport.handlePostMessage(req, res, body);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/mcp') return await handleMcp(req, res);
      if (url.pathname === '/sse' && req.method === 'GET') return await handleSse(req, res);
      if (url.pathname === '/messages' && req.method === 'POST') return await handleLegacyPost(req, res, url);
      fail(res, 404, 'Not found');
    } catch (err) {
      fail(res, 500, String(err));
    }
  };

  const http: Server = createServer((req, res) => void route(req, res));
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sessionCount: () => streamable.size + legacy.size,
    async close() {
      const all = [...streamable.values(), ...legacy.values()];
      await Promise.allSettled(all.map((s) => s.transport.close()));
      streamable.clear();
      legacy.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
