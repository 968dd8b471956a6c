import { useDroppable } from '@dnd-kit/core';
import { useCallback, useMemo } from 'react';
import type { WorkspaceChanges } from '../../../../main/contract/model.js';
import { agentTargetId } from '../../board/boardLogic.js';
import type { AgentView } from '../../state/studioState.js';
import type { TerminalHandle } from '../../terminal/TerminalView.js';
import { waiting } from './agentStatus.js';
import { Tile } from './Tile.js';
import { HostBadge, StateBadge } from './TileInfo.js';
import { costsByName, useResources } from '../../state/useResources.js';

export type Layout = 'grid' | 'list';

/** From this many agents the tiles become a list beside one big terminal (30 live tiles are unreadable). */
export const LIST_LAYOUT_FROM = 10;

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
  const { report } = useResources();
  const costs = useMemo(() => costsByName(report), [report]);
  const tile = useCallback(
    (a: AgentView) => (
      <Tile
        key={a.id}
        agent={a}
        cost={costs[a.name]}
        changes={props.changes[a.id]}
        onReview={props.onReview}
        onRemove={props.onRemove}
        maximized={maximized === a.name}
        onMaximize={() => props.onMaximize(maximized === a.name ? null : a.name)}
        register={props.register}
      />
    ),
    [props.onMaximize, props.register, props.changes, props.onReview, props.onRemove, maximized, costs],
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
