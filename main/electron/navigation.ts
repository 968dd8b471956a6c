// What the window may load, open and be granted: the renderer's own pages only, web links in the browser, notifications only, and the CSP.
// Free of electron, so plain Node tests cover it; main.ts wires it to Electron.

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * The window only ever shows the renderer's own page: a navigation is allowed when it is that
 * same file (a reload, or a hash change). Everything else (javascript:, data:, other files,
 * any web page) is refused, so nothing remote ever runs next to the preload.
 */
export function isAllowedNavigation(target: string, appUrl: string): boolean {
  const t = parseUrl(target);
  const a = parseUrl(appUrl);
  if (!t || !a || a.protocol !== 'file:') return false;
  return t.protocol === 'file:' && t.host === a.host && t.pathname === a.pathname;
}

/** Links the person clicks open in their browser, but only web links: never file:, never a custom scheme. */
export function externalUrl(target: string): string | undefined {
  const t = parseUrl(target);
  if (!t || (t.protocol !== 'http:' && t.protocol !== 'https:')) return undefined;
  return t.href;
}

/** Notifications are the only browser permission the studio uses; camera, geolocation and the rest are refused. */
export function isAllowedPermission(permission: string): boolean {
  return permission === 'notifications';
}

/** Sent with every response the window loads; the renderer's index.html carries the same policy in a meta tag. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Response headers with our CSP in place of any the response brought. */
export function withCsp(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}
