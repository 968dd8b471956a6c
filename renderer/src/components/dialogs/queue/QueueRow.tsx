// One item of the queue, with its answers. Memoised: an update of the queue draws the rows that
// changed, not all two hundred.
import { memo, useState } from 'react';
import type { DeskAnswerInput, DeskItem } from '../../../../../main/contract/desk.js';
import { formatDuration } from '../../../../../main/contract/exits.js';
import type { QueueAction } from './queueKeys.js';

export interface QueueRowProps {
  item: DeskItem;
  index: number;
  selected: boolean;
  /** Its deny note is being written. */
  denying: boolean;
  now: number;
  select(index: number): void;
  act(item: DeskItem, action: QueueAction): void;
  send(input: DeskAnswerInput): void;
}

export const QueueRow = memo(function QueueRow({
  item,
  index,
  selected,
  denying,
  now,
  select,
  act,
  send,
}: QueueRowProps) {
  return (
    <li
      className={`queue-item kind-${item.kind}${selected ? ' selected' : ''}`}
      data-testid={`queue-item-${item.id}`}
      data-kind={item.kind}
      onClick={() => select(index)}
    >
      <div className="queue-head">
        <span className="badge">{item.kind}</span>
        <strong>{item.title}</strong>
        <span className="queue-since">{formatDuration(now - item.since)}</span>
      </div>
      {item.detail && <pre className="queue-detail">{item.detail}</pre>}
      <QueueAnswers item={item} denying={denying} act={(a) => act(item, a)} send={send} />
    </li>
  );
});

/** One item's answers: allow and deny (with a note), its options, a typed answer, an action, open. */
function QueueAnswers({
  item,
  denying,
  act,
  send,
}: {
  item: DeskItem;
  denying: boolean;
  act(action: QueueAction): void;
  send(input: DeskAnswerInput): void;
}) {
  const [note, setNote] = useState('');
  const [typed, setTyped] = useState('');
  const takes = (a: DeskItem['answers'][number]) => item.answers.includes(a);
  return (
    <div className="queue-answers">
      {takes('allow') && (
        <button onClick={() => act({ type: 'allow' })} data-testid="queue-allow">
          Allow
        </button>
      )}
      {takes('deny') && !denying && (
        <button onClick={() => act({ type: 'deny' })} data-testid="queue-deny">
          Deny…
        </button>
      )}
      {takes('choose') &&
        item.options?.map((o) => (
          <button
            key={o.number}
            onClick={() => act({ type: 'choose', number: o.number })}
            data-testid={`queue-choose-${o.number}`}
          >
            {o.number}. {o.label}
          </button>
        ))}
      {takes('release') && <button onClick={() => act({ type: 'release' })}>Release</button>}
      {takes('restart') && <button onClick={() => act({ type: 'restart' })}>Restart</button>}
      <button onClick={() => act({ type: 'open' })} data-testid="queue-open">
        {item.kind === 'review' ? 'Open review' : 'Open tile'}
      </button>
      {denying && (
        <form
          className="queue-note"
          onSubmit={(e) => {
            e.preventDefault();
            send({ id: item.id, verdict: 'deny', ...(note.trim() ? { note: note.trim() } : {}) });
          }}
        >
          <input
            autoFocus
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="What should it do instead? (optional)"
            data-testid="queue-note"
          />
          <button type="submit" data-testid="queue-send-deny">
            Deny
          </button>
        </form>
      )}
      {takes('text') && (
        <form
          className="queue-note"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) send({ id: item.id, text: typed.trim() });
          }}
        >
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="Or type an answer"
            data-testid="queue-text"
          />
          <button type="submit">Answer</button>
        </form>
      )}
    </div>
  );
}
