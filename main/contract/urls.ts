// Where each of the studio's endpoints lives, defined once: the server routes by these paths, the
// core hands these URLs to agents, the CLI and the UI call them.

export const STUDIO_PATHS = {
  /** MCP over Streamable HTTP (agents). */
  mcp: '/mcp',
  /** MCP's legacy SSE transport: the event stream, and where its messages are posted. */
  sse: '/sse',
  messages: '/messages',
  /** Claude Code hooks of studio-run agents. */
  hooks: '/hooks',
  /** Where an idle agent's waiter hook waits for its mail (the hook credential). */
  hookWait: '/hooks/wait',
  /** The person's API (the CLI). */
  api: '/api/rpc',
  /** A one-time code for a UI link, for the CLI's `open` (admin token). */
  uiCode: '/api/ui-code',
  /** The UI's WebSocket (a tab's session), and where a tab trades a one-time link's code or the UI token for one. */
  ui: '/ui',
  uiSession: '/ui/session',
  health: '/health',
} as const;

export interface StudioUrls {
  /** `http://host:port`, no trailing slash. */
  base: string;
  mcp: string;
  sse: string;
  hooks: string;
  hookWait: string;
  api: string;
}

/** Every endpoint's URL from the listener's base URL. */
export function studioUrls(base: string): StudioUrls {
  const b = base.replace(/\/+$/, '');
  return {
    base: b,
    mcp: b + STUDIO_PATHS.mcp,
    sse: b + STUDIO_PATHS.sse,
    hooks: b + STUDIO_PATHS.hooks,
    hookWait: b + STUDIO_PATHS.hookWait,
    api: b + STUDIO_PATHS.api,
  };
}
