import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isInitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  JSONRPCMessageSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/** Comment frames on the notification stream keep proxies and clients from timing it out. */
const KEEPALIVE_MS = 15_000;
/** The SDK's own bound on a batch; more is a client bug or an attack. */
const MAX_BATCH = 100;
/** What an event stream may have waiting to be sent; past it the client is not reading. */
export const MAX_STREAM_BUFFERED_BYTES = 1024 * 1024;

interface PendingPost {
  res: ServerResponse;
  ids: RequestId[];
  answers: Map<RequestId, JSONRPCMessage>;
  batch: boolean;
}

/**
 * Streamable HTTP (MCP 2025-03-26 and later) for node:http, answering every POST with plain JSON.
 *
 * Why not the SDK's StreamableHTTPServerTransport: it converts each Node request into a web
 * Request/Response through @hono/node-server and web streams, which the bench measured at about
 * half of the server's CPU per call. This speaks the same wire protocol straight on node:http;
 * the conformance suite, the Inspector CLI and the SDK's client test it.
 *
 * One instance is one session. The HTTP router authenticates, picks the session from the
 * `mcp-session-id` header and has already read and JSON-parsed the body.
 */
export class NodeHttpServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private initialized = false;
  /** True once an initialize request was accepted; the router drops sessions that never get here. */
  get isInitialized(): boolean {
    return this.initialized;
  }

  /** The client holds the notification stream (GET) open. */
  get hasStream(): boolean {
    return this.stream !== undefined;
  }
  private closed = false;
  private readonly pending = new Map<RequestId, PendingPost>();
  private stream: ServerResponse | undefined;
  private keepalive: NodeJS.Timeout | undefined;

  constructor(readonly sessionId: string) {}

  async start(): Promise<void> {}

  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (this.closed) return this.fail(res, 404, -32001, 'Session not found');
    const version = req.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      return this.fail(
        res,
        400,
        -32000,
        `Bad Request: Unsupported protocol version: ${version} (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
      );
    }
    switch (req.method) {
      case 'POST':
        return this.post(req, res, body);
      case 'GET':
        return this.get(req, res);
      case 'DELETE':
        res.writeHead(200).end();
        await this.close();
        return;
      default:
        res.writeHead(405, { allow: 'GET, POST, DELETE' }).end();
    }
  }

  private post(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
      return this.fail(
        res,
        406,
        -32000,
        'Not Acceptable: Client must accept both application/json and text/event-stream',
      );
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return this.fail(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const raw = Array.isArray(body) ? body : [body];
    if (raw.length > MAX_BATCH)
      return this.fail(res, 400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH} messages`);
    const messages: JSONRPCMessage[] = [];
    for (const m of raw) {
      const parsed = JSONRPCMessageSchema.safeParse(m);
      if (!parsed.success) return this.fail(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
      messages.push(parsed.data);
    }
    const initializing = messages.some(isInitializeRequest);
    if (initializing) {
      if (this.initialized) return this.fail(res, 400, -32600, 'Invalid Request: Server already initialized');
      if (messages.length > 1)
        return this.fail(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
      this.initialized = true;
    } else if (!this.initialized) {
      return this.fail(res, 400, -32000, 'Bad Request: Server not initialized');
    }

    const extra: MessageExtraInfo = {
      requestInfo: { headers: req.headers as Record<string, string | string[] | undefined> },
    };
    const requests = messages.filter(isJSONRPCRequest);
    if (requests.length === 0) {
      res.writeHead(202).end();
      for (const m of messages) this.onmessage?.(m, extra);
      return;
    }
    const ids = requests.map((r) => r.id);
    if (new Set(ids).size !== ids.length || ids.some((id) => this.pending.has(id))) {
      return this.fail(
        res,
        400,
        -32600,
        'Invalid Request: a request id is repeated or still in use on this session',
      );
    }
    const post: PendingPost = {
      res,
      ids: requests.map((r) => r.id),
      answers: new Map(),
      batch: Array.isArray(body),
    };
    for (const id of post.ids) this.pending.set(id, post);
    res.on('close', () => {
      for (const id of post.ids) if (this.pending.get(id) === post) this.pending.delete(id);
    });
    for (const m of messages) this.onmessage?.(m, extra);
  }

  /** The optional stream for server-initiated notifications; one per session. */
  private get(req: IncomingMessage, res: ServerResponse): void {
    if (!(req.headers.accept ?? '').includes('text/event-stream')) {
      return this.fail(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    }
    if (this.stream)
      return this.fail(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'mcp-session-id': this.sessionId,
    });
    res.flushHeaders();
    this.stream = res;
    this.keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    this.keepalive.unref();
    res.on('close', () => {
      if (this.stream === res) this.stream = undefined;
      clearInterval(this.keepalive);
    });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.closed) return;
    const isResponse = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
    if (!isResponse) {
      // Notifications and server requests go to the notification stream when the client has one;
      // in JSON answer mode there is nowhere else for them, as with the SDK's own transport.
      const stream = this.stream;
      if (!stream) return;
      // A client that stopped reading its stream loses it (it may open another) rather than
      // growing the studio's memory.
      if (stream.writableLength > MAX_STREAM_BUFFERED_BYTES) stream.destroy();
      else stream.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
      return;
    }
    const id = (message as { id: RequestId }).id ?? options?.relatedRequestId;
    const post = id === undefined ? undefined : this.pending.get(id);
    if (!post || id === undefined) return;
    this.pending.delete(id);
    post.answers.set(id, message);
    if (post.answers.size < post.ids.length) return;
    const answers = post.ids.map((i) => post.answers.get(i)!);
    const payload = JSON.stringify(post.batch ? answers : answers[0]);
    if (post.res.writableEnded || post.res.destroyed) return;
    post.res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'mcp-session-id': this.sessionId,
    });
    post.res.end(payload);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    this.stream?.end();
    this.stream = undefined;
    for (const post of new Set(this.pending.values()))
      if (!post.res.writableEnded) post.res.writeHead(404).end();
    this.pending.clear();
    this.onclose?.();
  }

  private fail(res: ServerResponse, status: number, code: number, message: string): void {
    this.onerror?.(new Error(message));
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
  }
}
