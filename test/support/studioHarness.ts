// Starts a real studio (SQLite on disk or in memory, MCP server on port 0) for tests and the bench.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { StudioOptions } from '../../main/core/studio.js';
import { createStudioWithParts, type StudioWithParts } from './studioParts.js';
import { listen, serveStudio, type McpHttpServer } from '../../server/httpServer.js';

export type TransportKind = 'http' | 'sse';

export interface TestStudio {
  studio: StudioWithParts;
  http: McpHttpServer;
  adminToken: string;
  uiToken: string;
  dataDir: string;
  /** Adds an agent and returns its token. */
  addAgent(name: string, role?: string): string;
  /** A connected SDK client acting as `name`. */
  connect(token: string, kind?: TransportKind): Promise<Client>;
  close(): Promise<void>;
}

/** Every table's rows, in a stable order: equal dumps mean nothing was written. */
export function dumpDatabase(db: StudioWithParts['db']): string {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as Array<{ name: string }>;
  return JSON.stringify(
    tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()]),
  );
}

/** An SDK client connected as the token's agent, over Streamable HTTP or legacy SSE. */
export async function connectMcpClient(
  mcpUrl: string,
  token: string,
  kind: TransportKind = 'http',
): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  const headers = { Authorization: `Bearer ${token}` };
  const transport =
    kind === 'http'
      ? new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers } })
      : new SSEClientTransport(new URL(mcpUrl.replace(/\/mcp$/, '/sse')), {
          requestInit: { headers },
          eventSourceInit: {
            fetch: (url, init) =>
              fetch(url, { ...init, headers: { ...(init?.headers as object), ...headers } }),
          },
        });
  await client.connect(transport);
  return client;
}

export function tempDir(prefix = 'ccstudio-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestStudio(
  options: Partial<StudioOptions> & { onDisk?: boolean } = {},
): Promise<TestStudio> {
  const dataDir = tempDir();
  const listener = await listen({ port: 0 });
  const studio = createStudioWithParts({
    ...(options.onDisk === false ? { databaseFile: ':memory:' } : { dataDir }),
    urls: listener.urls,
    ...options,
  });
  const adminToken = 'admin-' + Math.random().toString(36).slice(2);
  const uiToken = 'ui-' + Math.random().toString(36).slice(2);
  const http = serveStudio(listener, { studio, adminToken, uiToken });
  const clients: Client[] = [];
  return {
    studio,
    http,
    adminToken,
    uiToken,
    dataDir,
    addAgent: (name, role) => studio.agents.add({ name, ...(role ? { role } : {}), remote: true }).token,
    async connect(token, kind = 'http') {
      const client = await connectMcpClient(http.url, token, kind);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await http.close();
      await studio.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Calls a tool and returns its text, throwing with the text when the tool reports an error. */
export async function callText(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  const res = (await client.callTool({ name, arguments: args })) as {
    content: Array<{ text?: string }>;
    isError?: boolean;
  };
  const text = res.content.map((c) => c.text ?? '').join('');
  if (res.isError) throw new ToolError(text);
  return text;
}

export async function callJson<T = unknown>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  return JSON.parse(await callText(client, name, args)) as T;
}

export class ToolError extends Error {}
