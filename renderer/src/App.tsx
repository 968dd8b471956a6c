// The window: the top bar, the tiles beside the board and the feed, the open dialog. It holds
// what the window decides (layout, the tile selected, the dialog open) and wires the parts in
// app/ together; the studio client and the notices reach every part through StudioContext.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Task } from '../../main/contract/model.js';
import type { StudioClient } from '../../main/contract/pipe.js';
import { useBrowserNotifications } from './context/browserNotifications.js';
import { useCommands } from './app/commands.js';
import { dialogFromHash, type Dialog } from './app/dialog.js';
import { DialogHost } from './app/DialogHost.js';
import { DragDispatch } from './app/DragDispatch.js';
import { layoutFor, useSavedLayout } from './app/layout.js';
import { NoticeBar, useNotice } from './app/notices.js';
import { StudioProvider } from './context/StudioContext.js';
import { TopBar } from './app/TopBar.js';
import { useVisibilityReport } from './app/visibility.js';
import { Board } from './components/Board.js';
import { Feed } from './components/Feed.js';
import { FirstRun } from './components/FirstRun.js';
import { Tiles } from './components/tiles/Tiles.js';
import { taskChanges, tileAgents } from './state/studioState.js';
import { useStudioState } from './state/useStudioState.js';
import type { TerminalHandle } from './terminal/TerminalView.js';

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
  const { state, loadError, lost } = useStudioState(client, closed);
  const [saved, setSaved] = useSavedLayout();
  const [selected, setSelected] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(() => dialogFromHash(window.location.hash));
  useQueueLinks(setDialog);
  const { notice, notify } = useNotice();
  const studio = useMemo(() => ({ client, notify, desktop: mode === 'desktop' }), [client, notify, mode]);
  const terminals = useRef(new Map<string, TerminalHandle>());
  useVisibilityReport(client);
  useBrowserNotifications(client, mode === 'browser');

  const agents = tileAgents(state.agents);
  const layout = layoutFor(saved, agents.length);
  const runCommand = useCommands(client, mode === 'browser', {
    agents,
    layout,
    saved,
    setSaved,
    select: setSelected,
    open: (kind) => setDialog({ kind }),
    openQueue: (focus) => setDialog({ kind: 'queue', ...(focus ? { focus } : {}) }),
    terminals: terminals.current,
  });
  const register = useCallback((name: string, handle: TerminalHandle | null) => {
    if (handle) terminals.current.set(name, handle);
    else terminals.current.delete(name);
  }, []);
  const onMaximize = useCallback((name: string | null) => setSaved((s) => ({ ...s, maximized: name })), []);
  const onReview = useCallback((agent: string) => setDialog({ kind: 'review', agent }), []);
  const onReviewTask = useCallback((taskId: number) => setDialog({ kind: 'reviewTask', taskId }), []);
  const onRemove = useCallback((name: string) => setDialog({ kind: 'removeAgent', name }), []);
  // Stable props: the board and the feed (memoised) are drawn again only when theirs change, not
  // when the queue or a tile does.
  const taskList = useMemo(() => Object.values(state.tasks), [state.tasks]);
  const onOpenTask = useCallback((id: number) => setDialog({ kind: 'task', id }), []);
  const onNewTask = useCallback(() => setDialog({ kind: 'newTask' }), []);
  const checkOf = useCallback((task: Task) => state.checks[task.id], [state.checks]);
  const changesOf = useCallback(
    (task: Task) => taskChanges({ agents: state.agents, changes: state.changes }, task),
    [state.agents, state.changes],
  );

  return (
    <StudioProvider studio={studio}>
      <DragDispatch tasks={state.tasks} agents={state.agents} changesOf={changesOf}>
        <div className="app">
          <TopBar
            agents={agents}
            layout={layout}
            boardOpen={saved.boardOpen}
            waiting={state.desk.length}
            run={runCommand}
            open={setDialog}
          />
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
              <NoticeBar notice={notice} />
            </div>
            {saved.boardOpen && (
              <aside className="side">
                <Board
                  tasks={taskList}
                  onOpen={onOpenTask}
                  onNew={onNewTask}
                  onReview={onReviewTask}
                  changesOf={changesOf}
                  checkOf={checkOf}
                />
                <Feed feed={state.feed} agents={state.agents} />
              </aside>
            )}
          </main>
        </div>
      </DragDispatch>
      <DialogHost dialog={dialog} state={state} tabId={tabId} open={setDialog} selectAgent={setSelected} />
    </StudioProvider>
  );
}

/** A notice's link (`#queue=p12`) opens the queue at its item, also in a tab already open. */
function useQueueLinks(open: (dialog: Dialog) => void): void {
  useEffect(() => {
    const onHash = () => {
      const dialog = dialogFromHash(window.location.hash);
      if (dialog) open(dialog);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [open]);
}
