// The listener's cap on open connections, kept so that no local process can lock the studio's own
// callers out. Node's cap (server.maxConnections) refuses every new connection once it is reached:
// a process holding that many keep-alive sockets (`GET /health`, no token) locked the UI, the CLI,
// MCP and hooks out for as long as it renewed them. Here a new connection is let in and room is
// made by closing another:
//   1. the unauthenticated one opened longest ago. An answer to a caller without a credential
//      closes its connection (serveStudio), so an unauthenticated connection is either one whose
//      request is still coming or being answered, which for a real caller (/health, the UI's
//      pages, a one-time link's code, a caller about to show its credential) takes milliseconds:
//      the oldest is a client holding on. Age, not idleness, decides: a caller that has just
//      connected and not yet sent its headers looks idle, and must outlast those holding on.
//   2. only when the whole cap is full: the authenticated one idle longest, nothing in flight on
//      it (a kept-alive connection between requests; its client reconnects).
// Unauthenticated connections never hold more than MAX_UNAUTHENTICATED_CONNECTIONS, so the rest of
// the cap is a reserve that only callers who showed a credential hold. A connection is
// authenticated once a request on it shows a credential the studio issued: serveStudio reads it
// from the request's headers, before any body, and vouches for the connection. A new connection
// is refused only when every other one is authenticated and busy.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../main/core/util/logger.js';

/** Connections open at once: 30 agents with a stream and a request each, the UI and the CLI fit many times over. */
export const MAX_CONNECTIONS = 512;
/**
 * Held back for authenticated callers: a crew of 30 agents holds about four connections each
 * (MCP's event stream and requests, a hook in flight), the UI and the CLI a few more: about 130.
 */
export const RESERVED_FOR_AUTHENTICATED = 256;
/** What unauthenticated connections may hold: a browser loads the UI's pages six at a time. */
export const MAX_UNAUTHENTICATED_CONNECTIONS = MAX_CONNECTIONS - RESERVED_FOR_AUTHENTICATED;
/** Under a flood the cap is met on every new connection: the log says so this often at most. */
const CAP_WARNING_EVERY_MS = 60_000;

interface Tracked {
  authenticated: boolean;
  /** Requests in flight (answer not yet out). */
  requests: number;
  /** When its last answer went out (or it opened): the one idle longest goes first. */
  idleSince: number;
  /** A WebSocket now: busy for as long as it lives. */
  upgraded: boolean;
}

export interface ConnectionGuard {
  /** A request on this connection showed a credential the studio issued. */
  vouch(socket: Socket): void;
  /** This connection left HTTP for a WebSocket. */
  upgraded(socket: Socket): void;
  /** Open connections, and how many of them are unauthenticated. */
  counts(): { open: number; unauthenticated: number };
}

export function guardConnections(server: Server, logger?: Logger): ConnectionGuard {
  // In the order they opened: the first unauthenticated one found is the oldest.
  const open = new Map<Socket, Tracked>();
  let unauthenticated = 0;
  let closedSinceWarning = 0;
  let lastWarning = 0;

  const forget = (socket: Socket): void => {
    const t = open.get(socket);
    if (!t) return;
    open.delete(socket);
    if (!t.authenticated) unauthenticated--;
  };
  const close = (socket: Socket): void => {
    forget(socket);
    socket.destroy();
    closedSinceWarning++;
    if (Date.now() - lastWarning < CAP_WARNING_EVERY_MS) return;
    lastWarning = Date.now();
    logger?.warn(
      'connection cap reached: closing the oldest connections without a credential (a local process may be holding many open)',
      { closed: closedSinceWarning, unauthenticated, open: open.size },
    );
    closedSinceWarning = 0;
  };

  /** Whom to close to make room for `newcomer`: see the order at the top of this file. */
  const victim = (newcomer: Socket, full: boolean): Socket | undefined => {
    let idleAuthenticated: Socket | undefined;
    let idleSince = Infinity;
    for (const [socket, t] of open) {
      if (socket === newcomer) continue;
      if (!t.authenticated) return socket;
      if (full && t.requests === 0 && !t.upgraded && t.idleSince < idleSince) {
        idleAuthenticated = socket;
        idleSince = t.idleSince;
      }
    }
    return idleAuthenticated;
  };

  const makeRoom = (newcomer: Socket): void => {
    while (unauthenticated > MAX_UNAUTHENTICATED_CONNECTIONS || open.size > MAX_CONNECTIONS) {
      const socket = victim(newcomer, open.size > MAX_CONNECTIONS);
      if (!socket) {
        // Every other connection is authenticated and busy: no room, so this one is refused.
        close(newcomer);
        return;
      }
      close(socket);
    }
  };

  server.on('connection', (socket: Socket) => {
    open.set(socket, { authenticated: false, requests: 0, idleSince: Date.now(), upgraded: false });
    unauthenticated++;
    socket.once('close', () => forget(socket));
    makeRoom(socket);
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    const t = open.get(socket);
    if (!t) return;
    t.requests++;
    res.once('close', () => {
      t.requests--;
      t.idleSince = Date.now();
    });
  });

  return {
    vouch(socket) {
      const t = open.get(socket);
      if (!t || t.authenticated) return;
      t.authenticated = true;
      unauthenticated--;
    },
    upgraded(socket) {
      const t = open.get(socket);
      if (t) t.upgraded = true;
    },
    counts: () => ({ open: open.size, unauthenticated }),
  };
}
