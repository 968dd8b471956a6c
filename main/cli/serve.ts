import { randomBytes } from 'node:crypto';
import { createStudio, type Studio } from '../core/studio.js';
import { isProcessAlive, readStudioInfo, removeStudioInfo, writeStudioInfo } from '../core/studioInfo.js';
import type { Logger } from '../core/util/logger.js';
import { startMcpHttpServer, type McpHttpServer } from '../../mcp/httpServer.js';
import { STUDIO_VERSION } from '../../mcp/sessionServer.js';

/** Fixed by default so remote agents' `claude mcp add` lines stay valid across restarts. */
export const DEFAULT_PORT = 47100;

export interface ServeOptions {
  dataDir: string;
  port?: number;
  host?: string;
  logger: Logger;
}

export interface RunningStudio {
  studio: Studio;
  http: McpHttpServer;
  adminToken: string;
  stop(): Promise<void>;
}

/** Starts the headless studio: core, MCP server, and studio.json for the other commands. */
export async function serve(options: ServeOptions): Promise<RunningStudio> {
  const existing = readStudioInfo(options.dataDir);
  if (existing && existing.pid !== process.pid && isProcessAlive(existing.pid)) {
    throw new Error(
      `A studio is already running on this data folder (pid ${existing.pid}, ${existing.mcpUrl}). ` +
        'Stop it first, or start this one with --data pointing at another folder.',
    );
  }
  const studio = createStudio({ dataDir: options.dataDir, logger: options.logger });
  const adminToken = 'ccsa_' + randomBytes(24).toString('base64url');
  let http: McpHttpServer;
  try {
    http = await startMcpHttpServer({
      studio,
      adminToken,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? DEFAULT_PORT,
    });
  } catch (err) {
    await studio.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${options.port ?? DEFAULT_PORT} is in use; pass --port N (0 picks a free one).`);
    }
    throw err;
  }
  studio.setMcpUrl(() => http.url);
  const base = http.url.replace(/\/mcp$/, '');
  writeStudioInfo(options.dataDir, {
    pid: process.pid,
    host: options.host ?? '127.0.0.1',
    port: http.port,
    mcpUrl: http.url,
    sseUrl: `${base}/sse`,
    apiUrl: `${base}/api/rpc`,
    adminToken,
    startedAt: new Date().toISOString(),
    version: STUDIO_VERSION,
  });
  let stopped = false;
  return {
    studio,
    http,
    adminToken,
    async stop() {
      if (stopped) return;
      stopped = true;
      await http.close();
      await studio.close();
      removeStudioInfo(options.dataDir, process.pid);
    },
  };
}
