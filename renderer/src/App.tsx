import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  type CollisionDetection,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { waitsForPerson, type Task, type TaskDetail } from '../../main/contract/model.js';
import type { StudioClient, UiCommand } from '../../main/contract/pipe.js';
import { parseCard, parseTarget, planDrop } from './board/boardLogic.js';
import { Board, TaskCardBody } from './components/Board.js';
import { AddAgentDialog } from './components/dialogs/AddAgentDialog.js';
import { RemoveAgentDialog } from './components/dialogs/RemoveAgentDialog.js';
import { TaskDetailDialog } from './components/dialogs/TaskDetailDialog.js';
import { TaskEditor } from './components/dialogs/TaskEditor.js';
import { ReviewDialog } from './components/dialogs/ReviewDialog.js';
import { Feed } from './components/Feed.js';
import { FirstRun } from './components/FirstRun.js';
import { LIST_LAYOUT_FROM, Tiles, type Layout } from './components/tiles/Tiles.js';
import { tileAgents } from './state/studioState.js';
import { StudioStore } from './state/store.js';
import type { TerminalHandle } from './terminal/TerminalView.js';
import { commandForKey } from './keys.js';
import { NotificationsDialog } from './components/dialogs/NotificationsDialog.js';
import { TabsDialog } from './components/dialogs/TabsDialog.js';
import { useBrowserNotifications } from './app/browserNotifications.js';
import { StudioProvider } from './app/StudioContext.js';

/** Where the window keeps its layout between runs (both modes have localStorage). */
const LAYOUT_KEY = 'ccstudio.layout';
/** How long a notice stays up. */
const NOTICE_MS = 4000;

interface SavedLayout {
  layout: 'auto' | Layout;
  boardOpen: boolean;
  maximized: string | null;
}

function loadLayout(): SavedLayout {
  const fallback: SavedLayout = { layout: 'auto', boardOpen: true, maximized: null };
  try {
    const saved = JSON.parse(
      window.localStorage.getItem(LAYOUT_KEY) ?? 'null',
    ) as Partial<SavedLayout> | null;
    if (!saved || typeof saved !== 'object') return fallback;
    return {
      layout: saved.layout === 'grid' || saved.layout === 'list' ? saved.layout : 'auto',
      boardOpen: saved.boardOpen !== false,
      maximized: typeof saved.maximized === 'string' ? saved.maximized : null,
    };
  } catch {
    return fallback;
  }
}

/**
 * The drop target is what the pointer is over (a wide card overlay half across two columns must
 * not land in the one the pointer left); keyboard drags have no pointer and use the overlap.
 */
const dropTarget: CollisionDetection = (args) => {
  const under = pointerWithin(args);
  return under.length ? under : rectIntersection(args);
};

type Dialog =
  | { kind: 'addAgent' }
  | { kind: 'newTask' }
  | { kind: 'editTask'; task: TaskDetail }
  | { kind: 'task'; id: number }
  | { kind: 'review'; agent: string }
  | { kind: 'reviewTask'; taskId: number }
  | { kind: 'removeAgent'; name: string }
  | { kind: 'notifications' }
  | { kind: 'tabs' }
  | null;

export function App({
  client,
  mode,
  closed,
  tabId = null,
}: {
  client: StudioClient;
  mode: string;
  closed: Promise<void>;
  /** This browser tab's id in the studio's list of tabs (null in the desktop window). */
  tabId?: number | null;
}) {
  const store = useMemo(() => new StudioStore(client), [client]);
  const state = useSyncExternalStore(store.subscribe, store.get);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [lost, setLost] = useState(false);
  const [saved, setSaved] = useState(loadLayout);
  const [selected, setSelected] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const terminals = useRef(new Map<string, TerminalHandle>());

  useEffect(() => {
    store.load().catch((err: Error) => setLoadError(err.message));
    void closed.then(() => setLost(true));
  }, [store, closed]);
  useEffect(() => window.localStorage.setItem(LAYOUT_KEY, JSON.stringify(saved)), [saved]);
  // A hidden tab or minimised window draws nothing: the studio stops sending it terminal output
  // (so it never holds an agent back) and sends fresh screens when it is shown again.
  useEffect(() => {
    const report = () => client.setVisible(document.visibilityState !== 'hidden');
    report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [client]);

  const notify = useCallback((text: string, error = false) => setNotice({ text, error }), []);
  const studio = useMemo(() => ({ client, notify, desktop: mode === 'desktop' }), [client, notify, mode]);
  useBrowserNotifications(client, mode === 'browser');
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice]);

  const agents = tileAgents(state.agents);
  const layout: Layout =
    saved.layout === 'auto' ? (agents.length >= LIST_LAYOUT_FROM ? 'list' : 'grid') : saved.layout;
  const tasks = Object.values(state.tasks);

  const register = useCallback((name: string, handle: TerminalHandle | null) => {
    if (handle) terminals.current.set(name, handle);
    else terminals.current.delete(name);
  }, []);
  const onMaximize = useCallback((name: string | null) => setSaved((s) => ({ ...s, maximized: name })), []);
  const onReview = useCallback((agent: string) => setDialog({ kind: 'review', agent }), []);
  const onReviewTask = useCallback((taskId: number) => setDialog({ kind: 'reviewTask', taskId }), []);
  const onRemove = useCallback((name: string) => setDialog({ kind: 'removeAgent', name }), []);
  const changesOf = useCallback(
    (task: Task) => {
      const agent = task.assignee ? state.agents.find((a) => a.name === task.assignee) : undefined;
      const changes = agent ? state.changes[agent.id] : undefined;
      return changes && task.branch && changes.branch === task.branch ? changes : undefined;
    },
    [state.agents, state.changes],
  );

  const runCommand = useCallback(
    (command: UiCommand) => {
      switch (command.type) {
        case 'focusTile': {
          const agent = agents[command.index];
          if (!agent) return;
          setSelected(agent.name);
          if (saved.maximized) setSaved((s) => ({ ...s, maximized: agent.name }));
          // After the list layout has swapped the terminal in.
          setTimeout(() => terminals.current.get(agent.name)?.focus(), 0);
          return;
        }
        case 'showBoard':
          return setSaved((s) => ({ ...s, boardOpen: !s.boardOpen }));
        case 'newTask':
          return setDialog({ kind: 'newTask' });
        case 'addAgent':
          return setDialog({ kind: 'addAgent' });
        case 'toggleLayout':
          return setSaved((s) => ({ ...s, layout: layout === 'grid' ? 'list' : 'grid' }));
      }
    },
    [agents, layout, saved.maximized],
  );
  useEffect(() => {
    const sub = client.onDidCommand(runCommand);
    // Browser mode: the same commands from the keyboard (the desktop menu sends them itself).
    const onKey = (e: KeyboardEvent) => {
      const command = mode === 'browser' ? commandForKey(e) : null;
      if (!command) return;
      e.preventDefault();
      e.stopPropagation();
      runCommand(command);
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      sub.dispose();
      window.removeEventListener('keydown', onKey, true);
    };
  }, [client, runCommand, mode]);

  const sensors = useSensors(
    // A few pixels of movement before a drag starts, so a click still opens the card.
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor),
  );
  const onDragStart = (e: DragStartEvent) => setDragging(parseCard(e.active.id));
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const id = parseCard(e.active.id);
    const target = parseTarget(e.over?.id);
    const task = id !== null ? state.tasks[id] : undefined;
    if (!task || !target) return;
    const plan = planDrop(task, target, state.agents);
    if (plan.kind === 'refuse') return notify(plan.reason, true);
    if (plan.kind === 'kick')
      return void client.kickAgent(plan.agent).then(
        () => notify(plan.describe),
        (err: Error) => notify(err.message, true),
      );
    if (plan.kind === 'update')
      client.updateTask(plan.input).then(
        // Dispatched to an agent that will not be woken (exited, remote): said, not hidden.
        (task) => notify(task.warning ? `${plan.describe}. ${task.warning}` : plan.describe, !!task.warning),
        (err: Error) => notify(err.message, true),
      );
  };

  const draggedTask = dragging !== null ? state.tasks[dragging] : undefined;
  const openTask = dialog?.kind === 'task' ? state.tasks[dialog.id] : undefined;
  const agentNamed = (name: string | null | undefined) => state.agents.find((a) => a.name === name);
  const review = useMemo(() => {
    if (dialog?.kind === 'review') {
      const agent = agentNamed(dialog.agent);
      return { target: { agent: dialog.agent }, changes: agent ? state.changes[agent.id] : undefined };
    }
    if (dialog?.kind === 'reviewTask') {
      const task = state.tasks[dialog.taskId];
      const agent = agentNamed(task?.assignee);
      const changes = agent ? state.changes[agent.id] : undefined;
      // The agent's changes speak for the task only while its worktree has the task's branch.
      return {
        target: { taskId: dialog.taskId },
        task,
        changes: changes && changes.branch === task?.branch ? changes : undefined,
      };
    }
    return null;
  }, [dialog, state.changes, state.tasks, state.agents]);
  const removing = dialog?.kind === 'removeAgent' ? agentNamed(dialog.name) : undefined;

  return (
    <StudioProvider studio={studio}>
      <DndContext
        sensors={sensors}
        collisionDetection={dropTarget}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)}
      >
        <div className="app">
          <header className="topbar">
            <h1>Claude Code Studio</h1>
            <span className="counts">
              {agents.length} agents · {agents.filter((a) => a.state === 'busy').length} busy ·{' '}
              {agents.filter((a) => waitsForPerson(a.state)).length} waiting for you
            </span>
            <span className="spacer" />
            <button onClick={() => runCommand({ type: 'toggleLayout' })} data-testid="toggle-layout">
              {layout === 'grid' ? 'List' : 'Grid'}
            </button>
            <button onClick={() => setDialog({ kind: 'notifications' })} data-testid="notifications">
              Notifications
            </button>
            <button onClick={() => setDialog({ kind: 'tabs' })} data-testid="tabs-button">
              Tabs
            </button>
            <button onClick={() => setDialog({ kind: 'addAgent' })} data-testid="add-agent">
              Add agent
            </button>
            <button onClick={() => setDialog({ kind: 'newTask' })}>New task</button>
            <button onClick={() => runCommand({ type: 'showBoard' })}>
              {saved.boardOpen ? 'Hide board' : 'Board'}
            </button>
          </header>
          {lost && (
            <div className="banner error" data-testid="reconnecting">
              The connection to the studio closed. Reconnecting…
            </div>
          )}
          {loadError && <div className="banner error">{loadError}</div>}
          <main className={`workspace${saved.boardOpen ? '' : ' board-hidden'}`}>
            {/* Notices show over the tiles, never over the board, the feed or the message box. */}
            <div className="tiles-area">
              <Tiles
                agents={agents}
                layout={layout}
                selected={selected}
                maximized={saved.maximized}
                onSelect={setSelected}
                onMaximize={onMaximize}
                register={register}
                changes={state.changes}
                onReview={onReview}
                onRemove={onRemove}
                empty={<FirstRun onAddAgent={() => setDialog({ kind: 'addAgent' })} />}
              />
              {notice && (
                <div className={`notice${notice.error ? ' error' : ''}`} role="status" data-testid="notice">
                  {notice.text}
                </div>
              )}
            </div>
            {saved.boardOpen && (
              <aside className="side">
                <Board
                  tasks={tasks}
                  onOpen={(id) => setDialog({ kind: 'task', id })}
                  onNew={() => setDialog({ kind: 'newTask' })}
                  onReview={onReviewTask}
                  changesOf={changesOf}
                />
                <Feed feed={state.feed} agents={state.agents} />
              </aside>
            )}
          </main>
        </div>
        <DragOverlay>
          {draggedTask ? (
            <div className="card overlay">
              <TaskCardBody task={draggedTask} changes={changesOf(draggedTask)} />
            </div>
          ) : null}
        </DragOverlay>
        {dialog?.kind === 'addAgent' && (
          <AddAgentDialog agents={state.agents} onClose={() => setDialog(null)} />
        )}
        {dialog?.kind === 'newTask' && <TaskEditor agents={state.agents} onClose={() => setDialog(null)} />}
        {dialog?.kind === 'editTask' && (
          <TaskEditor agents={state.agents} task={dialog.task} onClose={() => setDialog(null)} />
        )}
        {review && (
          <ReviewDialog
            target={review.target}
            {...(review.task ? { task: review.task } : {})}
            {...(review.changes ? { changes: review.changes } : {})}
            onClose={() => setDialog(null)}
          />
        )}
        {dialog?.kind === 'notifications' && <NotificationsDialog onClose={() => setDialog(null)} />}
        {dialog?.kind === 'tabs' && <TabsDialog thisTab={tabId} onClose={() => setDialog(null)} />}
        {removing && <RemoveAgentDialog agent={removing} onClose={() => setDialog(null)} />}
        {dialog?.kind === 'task' && (
          <TaskDetailDialog
            id={dialog.id}
            version={openTask?.updatedAt ?? 0}
            onEdit={(task) => setDialog({ kind: 'editTask', task })}
            onClose={() => setDialog(null)}
          />
        )}
      </DndContext>
    </StudioProvider>
  );
}
