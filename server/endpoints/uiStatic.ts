import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

/** The page's own CSP (also in index.html's meta tag): only the studio's own scripts and socket. */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Asset names Vite writes: a plain file name, never a path. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Serves the built renderer (index.html and assets/) for browser mode. Files are read once and
 * kept; nothing outside the folder can be named. Returns false for paths it does not own.
 */
export function createUiStatic(dir: string | undefined) {
  const cache = new Map<string, Buffer | null>();
  const read = (rel: string): Buffer | null => {
    if (!cache.has(rel)) {
      let data: Buffer | null = null;
      try {
        data = dir ? readFileSync(join(dir, rel)) : null;
      } catch {
        data = null;
      }
      cache.set(rel, data);
    }
    return cache.get(rel) ?? null;
  };
  return (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
    let rel: string;
    if (pathname === '/' || pathname === '/index.html') rel = 'index.html';
    else if (pathname.startsWith('/assets/') && ASSET_NAME.test(pathname.slice(8)))
      rel = `assets/${pathname.slice(8)}`;
    else return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    const data = read(rel);
    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': UI_CSP,
    };
    if (!data) {
      const missing =
        rel === 'index.html'
          ? 'The studio UI is not built in this copy: run `npm run build`, then reload.'
          : 'Not found.';
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(missing);
      return true;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(rel)] ?? 'application/octet-stream',
      'content-length': String(data.length),
      // Asset names carry a content hash; the page itself must always be fresh.
      'cache-control': rel === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : data);
    return true;
  };
}
