// A browser tab's session, as the page gets one: the UI token (the printed link) or a one-time
// code traded at /ui/session. Tests that talk to the UI's WebSocket open it with this.

export interface TabGrant {
  session: string;
  id: number;
}

export async function tabSession(
  baseUrl: string,
  grant: { token: string } | { code: string },
): Promise<TabGrant> {
  const res = await fetch(`${baseUrl}/ui/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(grant),
  });
  if (!res.ok) throw new Error(`/ui/session answered HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as TabGrant;
}

/** The UI's WebSocket URL for a tab's session, from any of the studio's URLs (its base or /mcp). */
export function uiSocketUrl(url: string, session: string): string {
  const base = url.replace(/\/mcp$/, '');
  return `${base.replace(/^http/, 'ws')}/ui?session=${encodeURIComponent(session)}`;
}
