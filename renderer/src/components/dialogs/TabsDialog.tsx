import { useEffect, useState } from 'react';
import type { TabSession } from '../../../../main/contract/model.js';
import { browserLabel, tabVia } from '../../../../main/contract/tabs.js';
import { useStudio } from '../../context/StudioContext.js';
import { Modal } from './Modal.js';

const when = (ms: number) => new Date(ms).toLocaleString();

/**
 * The browser tabs let into the studio, each with a session of its own: which one is this tab,
 * and a way to sign any of them out (its connections close at once).
 */
export function TabsDialog({
  thisTab,
  onClose,
}: {
  /** This tab's id (browser mode); null in the desktop window. */
  thisTab: number | null;
  onClose(): void;
}) {
  const { client, notify } = useStudio();
  const [tabs, setTabs] = useState<TabSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.listTabs().then(setTabs, (err: Error) => setError(err.message));
    const sub = client.onDidEvent((e) => {
      if (e.type === 'tabs.changed') setTabs(e.tabs);
    });
    return () => sub.dispose();
  }, [client]);
  const end = (tab: TabSession) =>
    client.endTab(tab.id).then(
      () => notify(tab.id === thisTab ? 'This tab is signed out' : `Tab #${tab.id} is signed out`),
      (err: Error) => setError(err.message),
    );
  return (
    <Modal title="Browser tabs" onClose={onClose}>
      <div className="form" data-testid="tabs">
        <p>
          Each browser tab let into the studio has a session of its own. Sign out any you do not recognise:
          its connection closes at once and it needs a new link to come back.
        </p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {tabs && !tabs.length && <p>No browser tabs are let in.</p>}
        <ul className="tab-list">
          {tabs?.map((t) => (
            <li key={t.id} data-testid={`tab-${t.id}`} className={t.id === thisTab ? 'this-tab' : undefined}>
              <div>
                <strong title={t.userAgent}>{browserLabel(t.userAgent)}</strong>
                {t.id === thisTab && (
                  <span className="badge" data-testid="this-tab">
                    this tab
                  </span>
                )}
              </div>
              <div className="form-hint">
                #{t.id}, by {tabVia(t)}; opened {when(t.createdAt)};{' '}
                {t.connections ? 'connected now' : `last used ${when(t.lastUsedAt)}`}; good until{' '}
                {when(t.expiresAt)}
              </div>
              <button type="button" onClick={() => void end(t)} data-testid={`end-tab-${t.id}`}>
                Sign out
              </button>
            </li>
          ))}
        </ul>
      </div>
    </Modal>
  );
}
