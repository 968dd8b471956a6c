import { describeExit, MAX_QUICK_EXITS } from '../../../../main/contract/exits.js';
import { sshHostLabel } from '../../../../main/contract/ssh.js';
import type { AgentView } from '../../state/studioState.js';

/**
 * Why the agent is not running, on its tile: how it ended and whether the studio is restarting
 * it, what to try (the cause first, and that the studio gave up, when it did), then the last
 * lines it printed.
 */
export function ExitPanel({ agent, onStart }: { agent: AgentView; onStart(): void }) {
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
