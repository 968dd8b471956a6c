import { useEffect } from 'react';
import type { StudioClient } from '../../../main/contract/pipe.js';

/** This page can show the browser's notifications at all. */
export const canNotify = () => typeof window !== 'undefined' && 'Notification' in window;

/**
 * Browser mode: the studio's attention notices (an agent waiting for you, a task in review or
 * done) as the browser's notifications while the page is out of sight, once the person allowed
 * them. In the desktop app the main process shows OS notifications instead. The core has already
 * coalesced them and quoted agents' text in them (main/core/attention), as for every channel.
 */
export function useBrowserNotifications(client: StudioClient, enabled: boolean): void {
  useEffect(() => {
    if (!enabled || !canNotify()) return;
    const sub = client.onDidEvent((e) => {
      if (e.type !== 'attention' || Notification.permission !== 'granted') return;
      if (document.visibilityState === 'visible' && document.hasFocus()) return;
      const { title, body, kind, agent, taskId, link } = e.attention;
      // One notice per subject: a newer one replaces the older in the notification centre.
      const notice = new Notification(title, { body, tag: `${kind}:${agent ?? ''}:${taskId ?? ''}` });
      // A click brings this tab forward at the item (the queue opens on the address's change).
      notice.onclick = () => {
        window.focus();
        if (link) window.location.hash = link;
      };
    });
    return () => sub.dispose();
  }, [client, enabled]);
}
