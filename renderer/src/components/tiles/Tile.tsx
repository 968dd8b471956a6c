import { useDroppable } from '@dnd-kit/core';
import { useRef, useState, type RefObject } from 'react';
import type { AgentCost, WorkspaceChanges } from '../../../../main/contract/model.js';
import { useStudio } from '../../context/StudioContext.js';
import { agentTargetId } from '../../board/boardLogic.js';
import type { AgentView } from '../../state/studioState.js';
import { TerminalView, type TerminalHandle } from '../../terminal/TerminalView.js';
import { running, waiting, waitingText } from './agentStatus.js';
import { BudgetForm } from './BudgetForm.js';
import { ExitPanel } from './ExitPanel.js';
import { ChangesBadge, TileInfo } from './TileInfo.js';

export interface TileProps {
  agent: AgentView;
  changes?: WorkspaceChanges;
  /** Its memory and tokens in the last hour, as last read. */
  cost?: AgentCost | undefined;
  onReview(name: string): void;
  onRemove(name: string): void;
  maximized: boolean;
  onMaximize(): void;
  register(name: string, handle: TerminalHandle | null): void;
}

/** Runs a studio call on the tile's agent and says how it went in a notice ("Started ann"). */
type Act = (what: string, run: () => Promise<unknown>) => void;

/** One agent: its header, what waits on it (a hold, a question), its work, and its live terminal. */
export function Tile({
  agent,
  changes,
  cost,
  onReview,
  onRemove,
  maximized,
  onMaximize,
  register,
}: TileProps) {
  const { client, notify } = useStudio();
  const { setNodeRef, isOver } = useDroppable({ id: agentTargetId(agent.name) });
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState<string | null>(null);
  const [budgeting, setBudgeting] = useState(false);
  const handle = useRef<TerminalHandle | null>(null);
  const act: Act = (what, run) =>
    void run().then(
      () => notify(`${what} ${agent.name}`),
      (err: Error) => notify(err.message, true),
    );
  const start = () => act('Started', () => client.startAgent(agent.name));
  // Asleep, a click into its terminal wakes it, as typing there does.
  const wake = () => act('Woke', () => client.wakeAgent(agent.name));
  return (
    <section
      ref={setNodeRef}
      className={`tile${isOver ? ' drop-over' : ''}${waiting(agent) ? ' waiting' : ''}${maximized ? ' maximized' : ''}`}
      data-testid={`tile-${agent.name}`}
      aria-label={`${agent.name} terminal`}
    >
      <header className="tile-header">
        <TileInfo agent={agent} cost={cost} />
        <TileActions
          agent={agent}
          act={act}
          maximized={maximized}
          onSearch={() => setSearch(search === null ? '' : null)}
          onBudget={() => setBudgeting(!budgeting)}
          onRemove={() => onRemove(agent.name)}
          onMaximize={onMaximize}
        />
      </header>
      {budgeting && <BudgetForm agent={agent} onDone={() => setBudgeting(false)} />}
      {agent.hold && <HoldBanner agent={agent} detail={agent.hold.detail} act={act} />}
      {agent.state === 'asleep' && <AsleepBanner agent={agent} act={act} />}
      {agent.workspace && (
        <div className="tile-work">
          <ChangesBadge agent={agent} changes={changes} onReview={() => onReview(agent.name)} />
          <span className="tile-work-path" title={agent.workspace.path}>
            {agent.workspace.path}
          </span>
        </div>
      )}
      {search !== null && <TileSearch search={search} onSearch={setSearch} terminal={handle} />}
      {waiting(agent) && (
        <div className="tile-alert" data-testid={`waiting-${agent.name}`}>
          {waitingText(agent)}
        </div>
      )}
      <div className="tile-body" onMouseDown={agent.state === 'asleep' ? wake : undefined}>
        <TerminalView
          agentId={agent.id}
          name={agent.name}
          attachKey={running(agent) ? 'up' : 'down'}
          onReady={(h) => {
            handle.current = h;
            register(agent.name, h);
          }}
          onError={setError}
        />
        {!running(agent) && agent.lastExit && !error && <ExitPanel agent={agent} onStart={start} />}
        {error && (
          <div className="tile-overlay">
            <p>{error}</p>
            <button onClick={start}>Start {agent.name}</button>
          </div>
        )}
      </div>
    </section>
  );
}

/** The tile's buttons: search, budget, start or restart and stop, remove, maximize. */
function TileActions({
  agent,
  act,
  maximized,
  onSearch,
  onBudget,
  onRemove,
  onMaximize,
}: {
  agent: AgentView;
  act: Act;
  maximized: boolean;
  onSearch(): void;
  onBudget(): void;
  onRemove(): void;
  onMaximize(): void;
}) {
  const { client } = useStudio();
  return (
    <span className="tile-actions">
      <button title="Search this terminal" onClick={onSearch}>
        ⌕
      </button>
      {agent.profile.kind === 'claude' && (
        <button
          title="Budget: tokens or turns an hour past which its wakes are held"
          onClick={onBudget}
          data-testid={`budget-${agent.name}`}
        >
          ⏱
        </button>
      )}
      {agent.profile.kind === 'claude' && (
        <button
          title={
            agent.sleep.pinned
              ? 'Pinned awake: click to let it sleep when idle'
              : 'Pin awake: it never sleeps'
          }
          aria-pressed={agent.sleep.pinned}
          onClick={() =>
            act(agent.sleep.pinned ? 'Unpinned' : 'Pinned awake', () =>
              client.pinAgent(agent.name, !agent.sleep.pinned),
            )
          }
          data-testid={`pin-${agent.name}`}
        >
          {agent.sleep.pinned ? '📌' : '📍'}
        </button>
      )}
      {running(agent) ? (
        <>
          {agent.profile.kind === 'claude' && (
            <button
              title="Put it to sleep: its Claude Code ends, its session is kept, mail wakes it"
              onClick={() => act('Put to sleep', () => client.sleepAgent(agent.name))}
              data-testid={`sleep-${agent.name}`}
            >
              Sleep
            </button>
          )}
          <button onClick={() => act('Restarted', () => client.restartAgent(agent.name))}>Restart</button>
          <button onClick={() => act('Stopped', () => client.stopAgent(agent.name))}>Stop</button>
        </>
      ) : agent.state === 'asleep' ? (
        <button onClick={() => act('Woke', () => client.wakeAgent(agent.name))}>Wake</button>
      ) : (
        <button onClick={() => act('Started', () => client.startAgent(agent.name))}>Start</button>
      )}
      <button onClick={onRemove} title="Remove agent">
        ✕
      </button>
      <button onClick={onMaximize} title={maximized ? 'Back to the grid' : 'Maximize'}>
        {maximized ? '⤡' : '⤢'}
      </button>
    </span>
  );
}

/** Its wakes are held (a budget spent, a loop): why, and the button that lets them go. */
function HoldBanner({ agent, detail, act }: { agent: AgentView; detail: string; act: Act }) {
  const { client } = useStudio();
  return (
    <div className="tile-hold" role="alert" data-testid={`hold-${agent.name}`}>
      <span>
        <b>Wakes held.</b> {detail.charAt(0).toUpperCase() + detail.slice(1)} Its mail waits in its inbox.
      </span>
      <button
        onClick={() => act('Released', () => client.releaseAgent(agent.name))}
        data-testid={`release-${agent.name}`}
      >
        Release
      </button>
    </div>
  );
}

/** Asleep: since when, what wakes it, and the button that does. */
function AsleepBanner({ agent, act }: { agent: AgentView; act: Act }) {
  const { client } = useStudio();
  const since = agent.sleep.asleepSince ? new Date(agent.sleep.asleepSince).toLocaleTimeString() : '';
  return (
    <div className="tile-asleep" data-testid={`asleep-${agent.name}`}>
      <span>
        <b>Asleep{since && ` since ${since}`}.</b> Its session is kept; mail, a task or a click here wakes it.
      </span>
      <button
        onClick={() => act('Woke', () => client.wakeAgent(agent.name))}
        data-testid={`wake-${agent.name}`}
      >
        Wake
      </button>
    </div>
  );
}

/** Find in the terminal: as you type, then Enter for the next, Shift+Enter the previous, Esc to close. */
function TileSearch({
  search,
  onSearch,
  terminal,
}: {
  search: string;
  onSearch(search: string | null): void;
  terminal: RefObject<TerminalHandle | null>;
}) {
  return (
    <div className="tile-search">
      <input
        autoFocus
        placeholder="Find in terminal (Enter: next, Shift+Enter: previous, Esc: close)"
        value={search}
        onChange={(e) => {
          onSearch(e.target.value);
          terminal.current?.find(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') terminal.current?.find(search, e.shiftKey);
          if (e.key === 'Escape') {
            onSearch(null);
            terminal.current?.focus();
          }
        }}
      />
    </div>
  );
}
