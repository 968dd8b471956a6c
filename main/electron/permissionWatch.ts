// OS notifications when an agent starts waiting for the person's answer.
// Free of electron, so plain Node tests cover it; main.ts wires it to Electron.
import type { StudioEvent } from '../contract/events.js';
import type { Agent, AgentState } from '../contract/model.js';

export interface PermissionWatch {
  /** The agent that has just started waiting on a permission prompt, if this event says so. */
  observe(event: StudioEvent): Agent | undefined;
}

/**
 * Remembers each agent's last state so a notification fires once when an agent starts waiting
 * for permission, not again for every update while it waits.
 */
export function createPermissionWatch(initial: readonly Agent[]): PermissionWatch {
  const known = new Map<number, AgentState>(initial.map((a) => [a.id, a.state]));
  return {
    observe(event) {
      if (event.type === 'agent.removed') {
        known.delete(event.agentId);
        return undefined;
      }
      if (event.type === 'agent.added') {
        known.set(event.agent.id, event.agent.state);
        return undefined;
      }
      if (event.type !== 'agent.updated') return undefined;
      const { agent } = event;
      const previous = known.get(agent.id);
      known.set(agent.id, agent.state);
      if (agent.kind !== 'agent' || agent.state !== 'waiting_permission') return undefined;
      return previous === 'waiting_permission' ? undefined : agent;
    },
  };
}

export function permissionNotice(agent: Pick<Agent, 'name'>): { title: string; body: string } {
  return { title: `${agent.name} is waiting for you`, body: 'A permission prompt is open in its terminal.' };
}
