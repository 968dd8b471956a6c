import type { Agent } from '../../contract/model.js';

/**
 * The agents the bus looks up (the AgentRegistry). Stated here rather than imported: the registry
 * expires a removed agent's mail through this folder (messageExpiry.ts), so bus/ sits below agents/.
 */
export interface BusAgents {
  /** A name the caller gave; an unknown one throws an error that lists who is there. */
  require(name: unknown): Agent;
  getById(id: number): Agent | undefined;
  list(): Agent[];
  /** Any agent ever seen, removed ones too (for history). */
  nameOf(id: number): string;
}
