// A local HTTP endpoint that takes JSON POSTs, as a webhook receiver (Slack, ntfy) would.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonReceiver {
  /** The URL to post to; `path` is whatever the test passed. */
  url: string;
  /** The bodies of the posts answered 200, in order. */
  bodies: Array<Record<string, unknown>>;
  /** Every post, whatever it was answered. */
  calls(): number;
  close(): Promise<void>;
}

/** Listens on loopback and answers each POST with the next status in `answers` (then 200). */
export async function jsonReceiver(path = '/', answers: number[] = []): Promise<JsonReceiver> {
  const bodies: Array<Record<string, unknown>> = [];
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls++;
      const status = answers.shift() ?? 200;
      if (status === 200) bodies.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(status).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    bodies,
    calls: () => calls,
    close: () => {
      // A notifier still retrying keeps a socket open; a test's end must not wait on it.
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
