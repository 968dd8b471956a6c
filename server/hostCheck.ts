// Which Host and Origin headers a request may carry (DNS rebinding). A page on a name the
// attacker controls (rebound to 127.0.0.1) carries that name in Host, so it is refused. Loopback
// names are taken on any port: SSH forwards reach the studio under another port (an agent's
// `-R` forward on its machine, the person's `ssh -L` from a laptop), and no web page can make a
// browser send a loopback name it did not navigate to.

/** The names only this machine answers to. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface HostRules {
  /** host:port pairs this listener answers to (lower case). */
  readonly allowedHosts: ReadonlySet<string>;
  /** Origins of the pages it serves (lower case). */
  readonly allowedOrigins: ReadonlySet<string>;
}

/** `localhost:9000` -> `localhost`; `[::1]:9000` -> `[::1]`. */
function nameOf(host: string): string {
  const colon = host.lastIndexOf(':');
  return colon > host.lastIndexOf(']') ? host.slice(0, colon) : host;
}

function loopbackWithPort(host: string): boolean {
  return LOOPBACK_NAMES.has(nameOf(host)) && /:\d{1,5}$/.test(host);
}

/** Why a request with these headers is refused, or undefined when it may go on. */
export function refuseHost(rules: HostRules, hostHeader: string | undefined, origin: string | undefined) {
  const host = (hostHeader ?? '').toLowerCase();
  const forwarded = !rules.allowedHosts.has(host) && loopbackWithPort(host);
  if (!rules.allowedHosts.has(host) && !forwarded) return `Host "${host}" is not allowed.`;
  if (origin === undefined) return undefined;
  const o = origin.toLowerCase();
  // Through a forward the page is our own only when it is on the very address it posts to.
  if (rules.allowedOrigins.has(o) || (forwarded && o === `http://${host}`)) return undefined;
  return `Origin "${origin}" is not allowed.`;
}
