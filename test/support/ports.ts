// Ports for tests that start servers of their own (sshd, an ssh -L forward), and a relay that lets
// another network (the SSH tests' remote) reach a server on this machine's loopback.
import { connect, createServer } from 'node:net';

/** A port nothing listens on now (another process may take it before the caller does: retry then). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Something accepts connections on the port (of loopback, or of `host`) now. */
export function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Listens on `host` (an address another network can reach) and carries each connection to the
 * port on this machine's loopback: what a service on the internet is to a remote machine.
 */
export async function relay(host: string, port: number): Promise<{ port: number; close(): void }> {
  const server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}
