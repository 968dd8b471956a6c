// A small fetch for the load generator, on node:http with keep-alive sockets. Node's built-in
// fetch (undici) costs several times more CPU per request than node:http; with it the load
// generator, not the server, sets the ceiling on a 2-core machine. The SDK client transports take
// it through their documented `fetch` option, so everything above HTTP is the SDK's own code.
// Covers what the SDK transports and EventSource use: method, headers, string body, signal;
// event streams are handed over as a web ReadableStream, anything else is read whole.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';

const agent = new Agent({ keepAlive: true, maxSockets: Infinity, noDelay: true });

type HeadersLike = Headers | Array<[string, string]> | Record<string, string> | undefined;

function plainHeaders(h: HeadersLike): Record<string, string> {
  if (!h) return {};
  if (h instanceof Headers) {
    const out: Record<string, string> = {};
    h.forEach((value, key) => (out[key] = value));
    return out;
  }
  if (Array.isArray(h)) return Object.fromEntries(h);
  return h;
}

function webHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  return out;
}

const NULL_BODY = new Set([101, 204, 205, 304]);

export function nodeFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const url = typeof input === 'string' ? new URL(input) : input;
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      reject(new TypeError('nodeFetch sends string bodies only'));
      return;
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const req = request(url, {
      method: init.method ?? 'GET',
      headers: plainHeaders(init.headers as HeadersLike),
      agent,
    });
    // The SDK reuses one AbortSignal for every request of a transport: drop the listener when done.
    const onAbort = (): void => void req.destroy(new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    req.on('error', (err) => {
      done();
      reject(err);
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const headers = webHeaders(res.headers);
      if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        res.on('close', done);
        resolve(
          new Response(Readable.toWeb(res) as unknown as ConstructorParameters<typeof Response>[0], {
            status,
            headers,
          }),
        );
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => {
        done();
        reject(err);
      });
      res.on('end', () => {
        done();
        resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, headers }));
      });
    });
    req.end(body ?? undefined);
  });
}
