// The person's queue: everything that waits for them across all agents, oldest first, answered in
// place. Keyboard first (queueKeys.ts); at phone width it takes the whole screen.
import { useEffect, useRef, useState } from 'react';
import { waitedFor, type DeskAnswerInput, type DeskItem } from '../../../../main/contract/desk.js';
import { useStudio } from '../../context/StudioContext.js';
import { Modal } from './Modal.js';
import { keepSelection, queueKey, type QueueAction } from './queue/queueKeys.js';

export interface QueueProps {
  items: DeskItem[];
  /** The item a notice's link named: selected first. */
  focus?: string;
  onClose(): void;
  /** Opens an item where it lives: its agent's tile, or its task's review. */
  onOpen(item: DeskItem): void;
}

export function QueueDialog({ items, focus, onClose, onOpen }: QueueProps) {
  const { client } = useStudio();
  const [index, setIndex] = useState(() =>
    Math.max(
      0,
      items.findIndex((i) => focuses(i, focus)),
    ),
  );
  const [denying, setDenying] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const selectedId = useRef<string | null>(items[index]?.id ?? null);
  const list = useRef<HTMLDivElement>(null);
  const now = useNow();
  // Keys work at once, without a click into the list first.
  useEffect(() => list.current?.focus(), []);

  useEffect(() => {
    setIndex((i) => keepSelection(items, selectedId.current, i));
  }, [items]);
  const selected = items[index];
  selectedId.current = selected?.id ?? null;

  const send = (input: DeskAnswerInput) => {
    setError(null);
    client.answer(input).then(
      () => setDenying(null),
      (err: Error) => setError(err.message),
    );
  };
  const act = (item: DeskItem, action: QueueAction) => {
    if (action.type === 'move')
      return setIndex((i) => Math.max(0, Math.min(items.length - 1, i + action.by)));
    if (action.type === 'open') return onOpen(item);
    if (action.type === 'deny') return setDenying(item.id);
    if (action.type === 'allow') return send({ id: item.id, verdict: 'allow' });
    if (action.type === 'choose') return send({ id: item.id, choose: action.number });
    send({ id: item.id, action: action.type });
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    const action = queueKey(e.key, selected);
    if (!action) return;
    e.preventDefault();
    if (selected || action.type === 'move') act(selected!, action);
  };

  return (
    <Modal title={`Waiting for you (${items.length})`} onClose={onClose}>
      <div className="queue" data-testid="queue" tabIndex={0} onKeyDown={onKeyDown} ref={list}>
        {error && (
          <p className="form-error" role="alert" data-testid="queue-error">
            {error}
          </p>
        )}
        {!items.length && <p data-testid="queue-empty">Nothing waits for you.</p>}
        <ol className="queue-list">
          {items.map((item, i) => (
            <li
              key={item.id}
              className={`queue-item kind-${item.kind}${i === index ? ' selected' : ''}`}
              data-testid={`queue-item-${item.id}`}
              data-kind={item.kind}
              onClick={() => setIndex(i)}
            >
              <div className="queue-head">
                <span className="badge">{item.kind}</span>
                <strong>{item.title}</strong>
                <span className="queue-since">{waitedFor(now - item.since)}</span>
              </div>
              {item.detail && <pre className="queue-detail">{item.detail}</pre>}
              <QueueAnswers
                item={item}
                denying={denying === item.id}
                note={note}
                setNote={setNote}
                act={(a) => act(item, a)}
                deny={(text) => send({ id: item.id, verdict: 'deny', ...(text ? { note: text } : {}) })}
                text={(t) => send({ id: item.id, text: t })}
              />
            </li>
          ))}
        </ol>
        <p className="form-hint queue-keys">
          ↑/↓ move · a allow · d deny · 1–9 choose · r release or restart · Enter open
        </p>
      </div>
    </Modal>
  );
}

/** One item's answers: allow and deny (with a note), its options, a typed answer, an action, open. */
function QueueAnswers({
  item,
  denying,
  note,
  setNote,
  act,
  deny,
  text,
}: {
  item: DeskItem;
  denying: boolean;
  note: string;
  setNote(note: string): void;
  act(action: QueueAction): void;
  deny(note: string): void;
  text(answer: string): void;
}) {
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
            deny(note.trim());
            setNote('');
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
            if (typed.trim()) text(typed.trim());
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

/** The item a link names: by its id, or the first of an agent's (`@bob`). */
function focuses(item: DeskItem, focus: string | undefined): boolean {
  return !!focus && (focus.startsWith('@') ? item.agent === focus.slice(1) : item.id === focus);
}

/** The time now, moving every few seconds: how long each item waited stays true. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
