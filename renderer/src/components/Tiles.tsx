import { useDroppable } from '@dnd-kit/core';
import { useCallback, useRef, useState } from 'react';
import { waitsForPerson, type WorkspaceChanges } from '../../../main/contract/model.js';
import type { StudioClient } from '../../../main/contract/pipe.js';
import { useStudio } from '../app/StudioContext.js';
import { agentTargetId } from '../board/boardLogic.js';
import { STATE_LABELS, type AgentView } from '../state/studioState.js';
import { TerminalView, type TerminalHandle } from '../terminal/TerminalView.js';
import { describeExit, MAX_QUICK_EXITS } from '../../../main/contract/exits.js';
import { compactCount, describeBudget } from '../../../main/contract/delivery.js';
import { sshHostLabel } from '../../../main/contract/ssh.js';

export type Layout = 'grid' | 'list';

/** From this many agents the tiles become a list beside one big terminal (30 live tiles are unreadable). */
export const LIST_LAYOUT_FROM = 10;

/** Its terminal runs (one on another machine whose link dropped has none until it reconnects). */
const running = (a: AgentView) => a.state !== 'exited' && a.state !== 'unknown' && a.state !== 'reconnecting';
const waiting = (a: AgentView) => waitsForPerson(a.state);
/**
 * Why the agent is not running, on its tile: how it ended and whether the studio is restarting
 * it, what to try (the cause first, and that the studio gave up, when it did), then the last
 * lines it printed.
 */
function ExitPanel({ agent, onStart }: { agent: AgentView; onStart(): void }) {
  const exit = agent.lastExit!;
  const host = agent.ssh ? sshHostLabel(agent.ssh.dest) : '';
  // On another machine, a start can fail before anything runs there (no link, no Claude Code).
  const neverRan = !!agent.ssh && exit.code === null && exit.signal === null && exit.ranMs === 0;
  return (
    <div className="tile-exit" data-testid={`exit-${agent.name}`} role="status">
      <p className="exit-title">
        {agent.state === 'reconnecting'
          ? `${agent.name} lost its link to ${host} · reconnecting…`
          : neverRan
            ? `${agent.name} could not start on ${host}`
            : `${agent.name} ${describeExit(exit)}`}
        {agent.state !== 'reconnecting' && !neverRan && exit.restartAt
          ? ` · restarting…${exit.quickExits ? ` (quick exit ${exit.quickExits} of ${MAX_QUICK_EXITS})` : ''}`
          : ''}
      </p>
      <p className="exit-advice" data-testid={`exit-advice-${agent.name}`}>
        {exit.advice}
      </p>
      {exit.tail.length > 0 && (
        <pre className="exit-tail" data-testid={`exit-tail-${agent.name}`}>
          {exit.tail.join('\n')}
        </pre>
      )}
      <button onClick={onStart} data-testid={`exit-start-${agent.name}`}>
        {exit.restartAt ? `Start ${agent.name} now` : `Start ${agent.name}`}
      </button>
    </div>
  );
}

/** What the person is asked to do, over the terminal of an agent waiting for them. */
function waitingText(agent: AgentView): string {
  if (agent.state === 'waiting_trust')
    return `${agent.name} is waiting for you: trust this folder? Claude Code asks whether you trust ${agent.cwd || 'its folder'} (its first start there). Answer in its terminal: “Yes, I trust this folder” lets it start.`;
  if (agent.state === 'waiting_login')
    return `${agent.name} is waiting for you: Claude Code is not logged in, so every prompt fails. Type /login in its terminal, or run claude in a terminal and log in, then restart it.`;
  return `${agent.name} is waiting for you: answer the prompt in its terminal.`;
}

/** The machine an agent runs on, when it is not this one. */
function HostBadge({ agent }: { agent: AgentView }) {
  if (!agent.ssh) return null;
  return (
    <span
      className="badge host"
      title={`Runs on ${agent.ssh.dest}, over SSH`}
      data-testid={`host-${agent.name}`}
    >
      on {sshHostLabel(agent.ssh.dest)}
    </span>
  );
}

function StateBadge({ agent }: { agent: AgentView }) {
  return (
    <span
      className={`badge state-${waiting(agent) ? 'waiting' : agent.state}`}
      data-testid={`state-${agent.name}`}
    >
      {STATE_LABELS[agent.state]}
      {agent.state === 'unrecognised' && agent.cliVersion ? ` (Claude Code ${agent.cliVersion})` : ''}
    </span>
  );
}

/** Sets or clears an agent's budget, under its tile's header. */
function BudgetForm({ agent, onDone }: { agent: AgentView; onDone(): void }) {
  const { client, notify } = useStudio();
  const [tokens, setTokens] = useState(agent.budget?.tokensPerHour?.toString() ?? '');
  const [turns, setTurns] = useState(agent.budget?.turnsPerHour?.toString() ?? '');
  const number = (v: string) => (v.trim() ? Number(v.trim()) : undefined);
  const save = (budget: Parameters<StudioClient['setBudget']>[1]) =>
    client.setBudget(agent.name, budget).then(
      () => {
        notify(budget ? `Budget set for ${agent.name}` : `No budget for ${agent.name}`);
        onDone();
      },
      (err: Error) => notify(err.message, true),
    );
  return (
    <form
      className="tile-budget"
      data-testid={`budget-form-${agent.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        const t = number(tokens);
        const n = number(turns);
        void save(
          t === undefined && n === undefined
            ? null
            : {
                ...(t !== undefined ? { tokensPerHour: t } : {}),
                ...(n !== undefined ? { turnsPerHour: n } : {}),
              },
        );
      }}
    >
      <span>An hour, at most:</span>
      <input
        value={tokens}
        onChange={(e) => setTokens(e.target.value)}
        placeholder="tokens"
        aria-label="Tokens an hour"
        inputMode="numeric"
      />
      <input
        value={turns}
        onChange={(e) => setTurns(e.target.value)}
        placeholder="turns"
        aria-label="Turns an hour"
        inputMode="numeric"
      />
      <button type="submit">Save</button>
      {agent.budget && (
        <button type="button" onClick={() => void save(null)}>
          No budget
        </button>
      )}
    </form>
  );
}

/** A worktree agent's branch and what it changed against its base; opens the review. */
function ChangesBadge({
  agent,
  changes,
  onReview,
}: {
  agent: AgentView;
  changes?: WorkspaceChanges;
  onReview(): void;
}) {
  const ws = agent.workspace!;
  const c = changes?.total;
  const label = changes?.error
    ? 'worktree unreadable'
    : c
      ? c.files
        ? `${c.files} file${c.files === 1 ? '' : 's'} +${c.added} −${c.removed}`
        : 'no changes'
      : '…';
  return (
    <button
      className={`badge changes${c?.files ? ' has-changes' : ''}${changes?.error ? ' error' : ''}`}
      onClick={onReview}
      title={
        changes?.error ??
        `${ws.path}\n${changes?.branch || ws.branch} against ${ws.base}${changes ? `: ${changes.ahead} ahead, ${changes.behind} behind; ${changes.uncommitted.files} not committed` : ''}\nClick to review`
      }
      data-testid={`changes-${agent.name}`}
    >
      ⎇ {changes?.branch || ws.branch} · {label}
    </button>
  );
}

/**
 * Who the tile is and how it is doing, most telling first: when the tile is narrow the tile's
 * buttons keep their room and what no longer fits here is left out whole, from the end (see
 * .tile-info), never cut to a stub, the name and state last. The role is left out where it is the
 * name (the commander).
 */
function TileInfo({ agent }: { agent: AgentView }) {
  return (
    <span className="tile-info">
      {/* One piece: in a narrow tile the name shortens, and the state stays. */}
      <span className="tile-who">
        <span className="tile-name">
          {agent.commander && (
            <span className="commander" title="Commander">
              ★
            </span>
          )}
          {agent.name}
        </span>
        <StateBadge agent={agent} />
      </span>
      <HostBadge agent={agent} />
      {agent.profile.kind === 'claude' && agent.profile.sandbox && (
        <span
          className="badge sandboxed"
          title="Claude Code's own sandbox: its shell cannot read the studio's data folder"
        >
          sandboxed
        </span>
      )}
      {agent.unread > 0 && (
        <span className="badge unread" title="Unread messages" data-testid={`unread-${agent.name}`}>
          {agent.unread} unread
        </span>
      )}
      {agent.usage && (
        <span
          className="badge usage"
          title={`Tokens its Claude Code spent (${agent.usage.inputTokens} in, ${agent.usage.outputTokens} out, ${agent.usage.cacheReadTokens + agent.usage.cacheCreationTokens} cache); ${compactCount(agent.usage.tokensLastHour)} and ${agent.usage.turnsLastHour} turns in the last hour${agent.budget ? `; budget ${describeBudget(agent.budget)}` : ''}`}
          data-testid={`usage-${agent.name}`}
        >
          {compactCount(agent.usage.tokens)} tokens · {agent.usage.turns} turn
          {agent.usage.turns === 1 ? '' : 's'}
        </span>
      )}
      {agent.role && agent.role !== agent.name && <span className="tile-role">{agent.role}</span>}
      <span className="tile-summary" title={agent.summary}>
        {agent.summary}
      </span>
    </span>
  );
}

interface TileProps {
  agent: AgentView;
  changes?: WorkspaceChanges;
  onReview(name: string): void;
  onRemove(name: string): void;
  maximized: boolean;
  onMaximize(): void;
  register(name: string, handle: TerminalHandle | null): void;
}

function Tile({ agent, changes, onReview, onRemove, maximized, onMaximize, register }: TileProps) {
  const { client, notify } = useStudio();
  const { setNodeRef, isOver } = useDroppable({ id: agentTargetId(agent.name) });
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState<string | null>(null);
  const [budgeting, setBudgeting] = useState(false);
  const handle = useRef<TerminalHandle | null>(null);
  const act = (what: string, run: () => Promise<unknown>) =>
    run().then(
      () => notify(`${what} ${agent.name}`),
      (err: Error) => notify(err.message, true),
    );
  const remove = () => onRemove(agent.name);
  return (
    <section
      ref={setNodeRef}
      className={`tile${isOver ? ' drop-over' : ''}${waiting(agent) ? ' waiting' : ''}${maximized ? ' maximized' : ''}`}
      data-testid={`tile-${agent.name}`}
      aria-label={`${agent.name} terminal`}
    >
      <header className="tile-header">
        <TileInfo agent={agent} />
        <span className="tile-actions">
          <button title="Search this terminal" onClick={() => setSearch(search === null ? '' : null)}>
            ⌕
          </button>
          {agent.profile.kind === 'claude' && (
            <button
              title="Budget: tokens or turns an hour past which its wakes are held"
              onClick={() => setBudgeting(!budgeting)}
              data-testid={`budget-${agent.name}`}
            >
              ⏱
            </button>
          )}
          {running(agent) ? (
            <>
              <button onClick={() => void act('Restarted', () => client.restartAgent(agent.name))}>
                Restart
              </button>
              <button onClick={() => void act('Stopped', () => client.stopAgent(agent.name))}>Stop</button>
            </>
          ) : (
            <button onClick={() => void act('Started', () => client.startAgent(agent.name))}>Start</button>
          )}
          <button onClick={remove} title="Remove agent">
            ✕
          </button>
          <button onClick={onMaximize} title={maximized ? 'Back to the grid' : 'Maximize'}>
            {maximized ? '⤡' : '⤢'}
          </button>
        </span>
      </header>
      {budgeting && <BudgetForm agent={agent} onDone={() => setBudgeting(false)} />}
      {agent.hold && (
        <div className="tile-hold" role="alert" data-testid={`hold-${agent.name}`}>
          <span>
            <b>Wakes held.</b> {agent.hold.detail.charAt(0).toUpperCase() + agent.hold.detail.slice(1)} Its
            mail waits in its inbox.
          </span>
          <button
            onClick={() => void act('Released', () => client.releaseAgent(agent.name))}
            data-testid={`release-${agent.name}`}
          >
            Release
          </button>
        </div>
      )}
      {agent.workspace && (
        <div className="tile-work">
          <ChangesBadge agent={agent} changes={changes} onReview={() => onReview(agent.name)} />
          <span className="tile-work-path" title={agent.workspace.path}>
            {agent.workspace.path}
          </span>
        </div>
      )}
      {search !== null && (
        <div className="tile-search">
          <input
            autoFocus
            placeholder="Find in terminal (Enter: next, Shift+Enter: previous, Esc: close)"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              handle.current?.find(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') handle.current?.find(search, e.shiftKey);
              if (e.key === 'Escape') {
                setSearch(null);
                handle.current?.focus();
              }
            }}
          />
        </div>
      )}
      {waiting(agent) && (
        <div className="tile-alert" data-testid={`waiting-${agent.name}`}>
          {waitingText(agent)}
        </div>
      )}
      <div className="tile-body">
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
        {!running(agent) && agent.lastExit && !error && (
          <ExitPanel agent={agent} onStart={() => void act('Started', () => client.startAgent(agent.name))} />
        )}
        {error && (
          <div className="tile-overlay">
            <p>{error}</p>
            <button onClick={() => void act('Started', () => client.startAgent(agent.name))}>
              Start {agent.name}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}

interface TilesProps {
  agents: AgentView[];
  layout: Layout;
  selected: string | null;
  maximized: string | null;
  onSelect(name: string): void;
  onMaximize(name: string | null): void;
  register(name: string, handle: TerminalHandle | null): void;
  /** What the tile area shows with no agents (the first-run screen). */
  empty: React.ReactNode;
  /** Worktree agents' changes, by agent id. */
  changes: Record<number, WorkspaceChanges>;
  onReview(name: string): void;
  onRemove(name: string): void;
}

function ListRow({
  agent,
  active,
  changes,
  onSelect,
}: {
  agent: AgentView;
  active: boolean;
  changes?: WorkspaceChanges;
  onSelect(): void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: agentTargetId(agent.name) });
  return (
    <li
      ref={setNodeRef}
      className={`agent-row${active ? ' active' : ''}${isOver ? ' drop-over' : ''}${waiting(agent) ? ' waiting' : ''}`}
      data-testid={`row-${agent.name}`}
      onClick={onSelect}
    >
      <span className="tile-name">
        {agent.commander && <span className="commander">★</span>}
        {agent.name}
      </span>
      <HostBadge agent={agent} />
      <StateBadge agent={agent} />
      {agent.unread > 0 && <span className="badge unread">{agent.unread}</span>}
      {!!changes?.total.files && (
        <span className="badge changes" title={`${changes.branch} against ${changes.base}`}>
          +{changes.total.added} −{changes.total.removed}
        </span>
      )}
      <span className="tile-summary">{agent.summary || agent.role}</span>
    </li>
  );
}

export function Tiles(props: TilesProps) {
  const { agents, layout, maximized, selected } = props;
  const tile = useCallback(
    (a: AgentView) => (
      <Tile
        key={a.id}
        agent={a}
        changes={props.changes[a.id]}
        onReview={props.onReview}
        onRemove={props.onRemove}
        maximized={maximized === a.name}
        onMaximize={() => props.onMaximize(maximized === a.name ? null : a.name)}
        register={props.register}
      />
    ),
    [props.onMaximize, props.register, props.changes, props.onReview, props.onRemove, maximized],
  );
  if (!agents.length) return <div className="tiles">{props.empty}</div>;
  if (layout === 'list') {
    const current = agents.find((a) => a.name === selected) ?? agents[0]!;
    return (
      <div className="tiles list-layout">
        <ul className="agent-list" aria-label="Agents">
          {agents.map((a) => (
            <ListRow
              key={a.id}
              agent={a}
              active={a.name === current.name}
              changes={props.changes[a.id]}
              onSelect={() => props.onSelect(a.name)}
            />
          ))}
        </ul>
        <div className="list-terminal">{tile(current)}</div>
      </div>
    );
  }
  // A maximized tile hides the others with CSS: they stay attached and keep their screens.
  const isMax = !!maximized && agents.some((a) => a.name === maximized);
  const columns = isMax ? 1 : Math.ceil(Math.sqrt(agents.length));
  return (
    <div
      className={`tiles grid-layout${isMax ? ' has-maximized' : ''}`}
      style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
    >
      {agents.map(tile)}
    </div>
  );
}
