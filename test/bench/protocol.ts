// Messages between the bench (server process) and its load generator (a forked child process).

/** The bare server's one tool; it answers "ok" and touches nothing. */
export const BARE_TOOL = 'noop';

export type TransportKind = 'http' | 'sse';
export type ServerKind = 'bare' | 'studio';

/** One session's identity: the token it sends and the agent it writes to in send_message. */
export interface SessionPlan {
  token: string;
  /** Recipient of this session's send_message calls (another agent). */
  peer: string;
}

export interface LoadConfig {
  /** Streamable HTTP endpoint (…/mcp) or legacy SSE endpoint (…/sse). */
  url: string;
  transport: TransportKind;
  server: ServerKind;
  sessions: SessionPlan[];
  warmupMs: number;
  durationMs: number;
  /** The HTTP client under the SDK transports: node:http (nodeFetch.ts) or Node's built-in fetch. */
  clientFetch: 'node' | 'builtin';
  /** http rows: a lean raw client (rawHttpClient.ts) or the SDK client; sse rows always use the SDK. */
  client: 'raw' | 'sdk';
  /** Body of every send_message (and of the bare no-op call standing in for it). */
  text: string;
}

export type ParentToChild = { type: 'run'; config: LoadConfig };

export interface LoadResult {
  /** Calls completed inside the measured window. */
  calls: number;
  /** Wall time of the measured window, ms. */
  windowMs: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  /** Calls that failed (transport error or tool isError) at any time, warm-up included. */
  errors: number;
  firstError?: string;
  /** CPU the load generator used in the window, as a fraction of one core. */
  clientCpu: number;
}

export type ChildToParent =
  | { type: 'connected' }
  | { type: 'mark'; phase: 'start' | 'end' }
  | { type: 'result'; result: LoadResult }
  | { type: 'fatal'; error: string };
