// Who a tile's agent is and how it is doing: its name, state, host, usage and work, as badges.
import type { AgentCost, WorkspaceChanges } from '../../../../main/contract/model.js';
import { compactCount, describeBudget, formatBytes } from '../../../../main/contract/delivery.js';
import { sshHostLabel } from '../../../../main/contract/ssh.js';
import { STATE_LABELS, type AgentView } from '../../state/studioState.js';
import { waiting } from './agentStatus.js';

/** The machine an agent runs on, when it is not this one. */
export function HostBadge({ agent }: { agent: AgentView }) {
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

export function StateBadge({ agent }: { agent: AgentView }) {
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

/** A worktree agent's branch and what it changed against its base; opens the review. */
export function ChangesBadge({
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
export function TileInfo({ agent, cost }: { agent: AgentView; cost?: AgentCost | undefined }) {
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
          {compactCount(agent.usage.tokensLastHour)} tokens/h · {agent.usage.turns} turn
          {agent.usage.turns === 1 ? '' : 's'}
        </span>
      )}
      {cost?.memoryBytes ? (
        <span
          className="badge memory"
          title="Memory its Claude Code and everything it started hold now"
          data-testid={`memory-${agent.name}`}
        >
          {formatBytes(cost.memoryBytes)}
        </span>
      ) : null}
      {agent.role && agent.role !== agent.name && <span className="tile-role">{agent.role}</span>}
      <span className="tile-summary" title={agent.summary}>
        {agent.summary}
      </span>
    </span>
  );
}
