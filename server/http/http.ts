// What every endpoint of the studio's listener shares: errors as JSON-RPC error bodies, bounded
// body reading, strict JSON parsing, bearer tokens.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_REQUEST_BYTES } from '../../main/contract/limits.js';
import { hashToken } from '../../main/core/agents/agentRegistry.js';

/** An endpoint: handles a request on the path it owns. */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** A refusal with the HTTP status and the JSON-RPC error code it is answered with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = -32000,
  ) {
    super(message);
  }
}

export function sendJsonRpcError(
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

export async function readBody(req: IncomingMessage): Promise<string> {
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

export function parseJson(text: string): unknown {
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
export function parseJsonRpc(text: string): unknown {
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

export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** Compares two secrets in constant time (through their hashes, so lengths may differ). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(hashToken(a)), Buffer.from(hashToken(b)));
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
