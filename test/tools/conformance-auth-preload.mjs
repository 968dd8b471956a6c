// Preload for the MCP conformance suite, which has no option to send headers:
//   MCP_CONFORMANCE_BEARER=<token> node --import ./conformance-auth-preload.mjs \
//     ./node_modules/@modelcontextprotocol/conformance/dist/index.js server --url ...
// Adds `Authorization: Bearer <token>` to every request made through fetch() (the SDK
// client used by most scenarios) or undici.request() (used by dns-rebinding-protection).
import { createRequire } from 'node:module';

const token = process.env.MCP_CONFORMANCE_BEARER;
if (token) {
  const value = `Bearer ${token}`;

  const originalFetch = globalThis.fetch;
  globalThis.fetch = (input, init = {}) => {
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has('authorization')) headers.set('authorization', value);
    return originalFetch(input, { ...init, headers });
  };

  // undici.request() uses undici's global dispatcher; resolve undici as the suite does.
  const require = createRequire(
    new URL('./node_modules/@modelcontextprotocol/conformance/package.json', import.meta.url),
  );
  const { getGlobalDispatcher, setGlobalDispatcher } = require('undici');
  const withAuth = (headers) => {
    if (Array.isArray(headers)) {
      const has = headers.some((h, i) => i % 2 === 0 && String(h).toLowerCase() === 'authorization');
      return has ? headers : [...headers, 'authorization', value];
    }
    if (headers && typeof headers === 'object') {
      const has = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
      return has ? headers : { ...headers, authorization: value };
    }
    return { authorization: value };
  };
  setGlobalDispatcher(
    getGlobalDispatcher().compose(
      (dispatch) => (opts, handler) => dispatch({ ...opts, headers: withAuth(opts.headers) }, handler),
    ),
  );
}
