import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connectStudio } from './pipe/connect.js';
import './styles.css';

/** A dropped connection (the studio cut off a window that fell behind, a blip) is retried at once... */
const RECONNECT_FIRST_MS = 300;
/** ...then less and less often while the studio does not answer, or keeps dropping it. */
const RECONNECT_MAX_MS = 10_000;
/** A connection that lasted this long was healthy: the next drop starts the backoff afresh. */
const HEALTHY_CONNECTION_MS = 30_000;

const root = createRoot(document.getElementById('root')!);
let generation = 0;

/** Connects, shows the studio, and when the connection drops connects again with a fresh view. */
async function show(reconnecting: boolean, delay = RECONNECT_FIRST_MS): Promise<void> {
  const c = await connectStudio();
  if (!c.ok) {
    if (reconnecting && c.retry) {
      setTimeout(() => void show(true, Math.min(delay * 2, RECONNECT_MAX_MS)), delay);
      return;
    }
    root.render(<div className="banner error">{c.error}</div>);
    return;
  }
  document.body.dataset.mode = c.mode;
  root.render(
    <StrictMode>
      <App key={++generation} client={c.client} mode={c.mode} closed={c.closed} tabId={c.tabId} />
    </StrictMode>,
  );
  const openedAt = Date.now();
  void c.closed.then(() => {
    c.client.dispose();
    // Dropped again soon after connecting (say, cut off for falling behind): wait longer each time.
    const next = Date.now() - openedAt > HEALTHY_CONNECTION_MS ? RECONNECT_FIRST_MS : delay;
    setTimeout(() => void show(true, Math.min(next * 2, RECONNECT_MAX_MS)), next);
  });
}

void show(false);
