import { useEffect, useState, type FormEvent } from 'react';
import type { NotifyStatus } from '../../../../main/contract/model.js';
import { canNotify } from '../../context/browserNotifications.js';
import { useStudio } from '../../context/StudioContext.js';
import { Modal } from './Modal.js';

/** Where notices go: this browser's notifications, and the studio's webhook (Slack, ntfy, any). */
export function NotificationsDialog({ onClose }: { onClose(): void }) {
  const { client, desktop, notify } = useStudio();
  const [status, setStatus] = useState<NotifyStatus | null>(null);
  const [url, setUrl] = useState('');
  const [topic, setTopic] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [permission, setPermission] = useState(canNotify() ? Notification.permission : 'unsupported');
  useEffect(() => {
    client.notifyStatus().then(
      (s) => {
        setStatus(s);
        setUrl(s.webhookUrl ?? '');
        setTopic(s.webhookTopic ?? '');
      },
      (err: Error) => setError(err.message),
    );
  }, [client]);
  const run = (what: () => Promise<NotifyStatus>, done: string) => {
    setError(null);
    what().then(
      (s) => {
        setStatus(s);
        notify(done);
      },
      (err: Error) => setError(err.message),
    );
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    run(
      () => client.setNotify({ webhookUrl: url.trim() || null, webhookTopic: topic.trim() || null }),
      url.trim() ? 'Webhook saved' : 'Webhook removed',
    );
  };
  return (
    <Modal title="Notifications" onClose={onClose}>
      <form className="form" onSubmit={save} data-testid="notify-form">
        <p>
          You hear about an agent that asks permission or a question, gets stuck or is held, and a task that
          reaches review or done.
        </p>
        {!desktop && (
          <p data-testid="notify-browser">
            This browser:{' '}
            {permission === 'granted' ? (
              'notifications on (shown while this page is out of sight).'
            ) : permission === 'denied' ? (
              'notifications blocked; allow them in the site settings.'
            ) : permission === 'unsupported' ? (
              'no notifications here.'
            ) : (
              <button
                type="button"
                onClick={() => void Notification.requestPermission().then(setPermission)}
                data-testid="notify-allow"
              >
                Allow browser notifications
              </button>
            )}
          </p>
        )}
        <label>
          Webhook URL (Slack incoming webhook, ntfy server, anything that takes a JSON POST)
          <input
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://hooks.slack.com/services/… or https://ntfy.sh"
            data-testid="notify-url"
          />
        </label>
        <label>
          ntfy topic (only for an ntfy server)
          <input value={topic} onChange={(e) => setTopic(e.target.value)} data-testid="notify-topic" />
        </label>
        {status?.lastError && (
          <p className="form-error" data-testid="notify-last-error">
            Last failure: {status.lastError}
            {status.pending ? ` (${status.pending} waiting to be retried)` : ''}
          </p>
        )}
        {error && (
          <p className="form-error" role="alert" data-testid="notify-error">
            {error}
          </p>
        )}
        <footer>
          <button
            type="button"
            disabled={!status?.webhookUrl}
            onClick={() => run(() => client.testNotify(), 'Test notice sent')}
            data-testid="notify-test"
          >
            Send a test
          </button>
          <button type="submit" data-testid="notify-save">
            Save
          </button>
        </footer>
      </form>
    </Modal>
  );
}
