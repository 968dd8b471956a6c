import { memo, useState, type FormEvent } from 'react';
import { PERSON_NAME } from '../../../main/contract/limits.js';
import { useStudio } from '../context/StudioContext.js';
import { useDraft } from './forms/useDraft.js';
import { filterFeed, type AgentView, type FeedItem } from '../state/studioState.js';
import { describeDelivery } from '../../../main/contract/delivery.js';

/** Lines drawn at once; the rest stay in memory for the filter. */
const FEED_SHOWN = 200;

export const Feed = memo(function Feed({ feed, agents }: { feed: FeedItem[]; agents: AgentView[] }) {
  const { client, notify } = useStudio();
  const [agent, setAgent] = useState('');
  const [topic, setTopic] = useState('');
  // A message being written survives a reconnect (the window is mounted anew then).
  const [to, setTo] = useDraft<string>('feed.to', '');
  const [body, setBody] = useDraft<string>('feed.body', '');
  const [urgent, setUrgent] = useDraft<boolean>('feed.urgent', false);
  const shown = filterFeed(feed, { agent, topic }).slice(-FEED_SHOWN).reverse();
  const recipients = agents.filter((a) => a.kind === 'agent');
  const send = (e: FormEvent) => {
    e.preventDefault();
    const target = to || recipients[0]?.name;
    if (!body.trim() || !target) return;
    const sent: Promise<{ warning?: string | undefined }> =
      target === '*'
        ? client.broadcast(body).then(() => ({}))
        : client.sendMessage({ to: target, body, ...(urgent ? { urgent: true } : {}) });
    sent.then(
      (m) => {
        setBody('');
        setUrgent(false);
        // Stored either way; a recipient that will not be woken by it is said out loud.
        if (m.warning) notify(m.warning, true);
      },
      (err: Error) => notify(err.message, true),
    );
  };
  return (
    <section className="feed" aria-label="Messages and events" data-testid="feed">
      <header className="panel-header">
        <h2>Feed</h2>
        <select value={agent} onChange={(e) => setAgent(e.target.value)} aria-label="Filter by agent">
          <option value="">everyone</option>
          <option value={PERSON_NAME}>you</option>
          {agents
            .filter((a) => a.kind === 'agent')
            .map((a) => (
              <option key={a.id}>{a.name}</option>
            ))}
        </select>
        <input
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
          placeholder="#topic"
          aria-label="Filter by topic"
        />
      </header>
      <ol className="feed-items">
        {shown.map((f) => (
          <li key={f.key} className={`feed-${f.kind}`}>
            <time>{new Date(f.at).toLocaleTimeString()}</time>{' '}
            <b>{f.actor === PERSON_NAME ? 'you' : f.actor}</b>{' '}
            {f.urgent && <span className="badge urgent">urgent</span>}{' '}
            <span className="feed-text">{f.text}</span>
            {f.deliveries && (
              <ul className="feed-deliveries" data-testid={`deliveries-${f.key}`}>
                {Object.entries(f.deliveries).map(([to, d]) => (
                  <li key={to}>
                    {to === PERSON_NAME ? 'you' : to}: {describeDelivery(d)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      <form className="send-box" onSubmit={send} data-testid="send-box">
        <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="Send to">
          {recipients.map((a) => (
            <option key={a.id}>{a.name}</option>
          ))}
          <option value="*">everyone</option>
        </select>
        <input
          value={body}
          onChange={(e) => setBody(e.target.value)}
          placeholder="Message as you…"
          aria-label="Message"
        />
        <label
          className="urgent-toggle"
          title="Reaches a busy agent at its next tool call, not only when its turn ends"
        >
          <input
            type="checkbox"
            checked={urgent}
            disabled={to === '*'}
            onChange={(e) => setUrgent(e.target.checked)}
            data-testid="send-urgent"
          />{' '}
          urgent
        </label>
        <button type="submit">Send</button>
      </form>
    </section>
  );
});
