// The person's queue: everything that waits for them across all agents, oldest first, answered in
// place. Keyboard first (queueKeys.ts); at phone width it takes the whole screen.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeskAnswerInput, DeskItem } from '../../../../main/contract/desk.js';
import { useStudio } from '../../context/StudioContext.js';
import { Modal } from './Modal.js';
import { keepSelection, queueKey, type QueueAction } from './queue/queueKeys.js';
import { QueueRow } from './queue/QueueRow.js';

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
  const [error, setError] = useState<string | null>(null);
  const selectedId = useRef<string | null>(items[index]?.id ?? null);
  const list = useRef<HTMLDivElement>(null);
  const now = useNow();
  // Keys work at once, without a click into the list first.
  useEffect(() => list.current?.focus(), []);

  // When the selected item goes (answered here or elsewhere), the selection falls on the next one:
  // answer keys wait until the person moves or clicks, so a second `a` never allows another
  // agent's command.
  const [armed, setArmed] = useState(true);
  useEffect(() => {
    if (selectedId.current && !items.some((i) => i.id === selectedId.current)) setArmed(false);
    setIndex((i) => keepSelection(items, selectedId.current, i));
  }, [items]);
  const select = useCallback((i: number) => {
    setIndex(i);
    setArmed(true);
  }, []);
  const selected = items[index];
  selectedId.current = selected?.id ?? null;

  // Stable for the memoised rows: what they call reads the latest props through a ref.
  const latest = useRef({ items, onOpen });
  latest.current = { items, onOpen };
  const send = useCallback(
    (input: DeskAnswerInput) => {
      setError(null);
      client.answer(input).then(
        () => setDenying(null),
        (err: Error) => setError(err.message),
      );
    },
    [client],
  );
  const act = useCallback(
    (item: DeskItem, action: QueueAction) => {
      const count = latest.current.items.length;
      if (action.type === 'move') {
        setArmed(true);
        return setIndex((i) => Math.max(0, Math.min(count - 1, i + action.by)));
      }
      if (action.type === 'open') return latest.current.onOpen(item);
      if (action.type === 'deny') return setDenying(item.id);
      if (action.type === 'allow') return send({ id: item.id, verdict: 'allow' });
      if (action.type === 'choose') return send({ id: item.id, choose: action.number });
      send({ id: item.id, action: action.type });
    },
    [send],
  );
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    const action = queueKey(e.key, selected);
    if (!action) return;
    e.preventDefault();
    if (!armed && action.type !== 'move' && action.type !== 'open') return;
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
        {!armed && items.length > 0 && (
          <p className="form-hint" data-testid="queue-disarmed">
            The item you had selected has gone: move (↑/↓) or click to choose the next before answering by
            key.
          </p>
        )}
        <ol className="queue-list">
          {items.map((item, i) => (
            <QueueRow
              key={item.id}
              item={item}
              index={i}
              selected={i === index}
              denying={denying === item.id}
              now={now}
              select={select}
              act={act}
              send={send}
            />
          ))}
        </ol>
        <p className="form-hint queue-keys">
          ↑/↓ move · a allow · d deny · 1–9 choose · r release or restart · Enter open
        </p>
      </div>
    </Modal>
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
