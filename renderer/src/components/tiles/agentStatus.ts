// What a tile says of its agent's state: running or not, and waiting for the person for what.
import { waitsForPerson } from '../../../../main/contract/model.js';
import type { AgentView } from '../../state/studioState.js';

/** Its terminal runs (one on another machine whose link dropped has none until it reconnects). */
export const running = (a: AgentView) =>
  a.state !== 'exited' && a.state !== 'unknown' && a.state !== 'reconnecting' && a.state !== 'asleep';
export const waiting = (a: AgentView) => waitsForPerson(a.state);

/** What the person is asked to do, over the terminal of an agent waiting for them. */
export function waitingText(agent: AgentView): string {
  if (agent.state === 'waiting_trust')
    return `${agent.name} is waiting for you: trust this folder? Claude Code asks whether you trust ${agent.cwd || 'its folder'} (its first start there). Answer in its terminal: “Yes, I trust this folder” lets it start.`;
  if (agent.state === 'waiting_login')
    return `${agent.name} is waiting for you: Claude Code is not logged in, so every prompt fails. Type /login in its terminal, or run claude in a terminal and log in, then restart it.`;
  return `${agent.name} is waiting for you: answer the prompt in its terminal.`;
}
