// The one place that tells a local agent from one on another machine: everything after asks the
// AgentPlace it got.
import type { Agent } from '../../contract/model.js';
import type { AgentPlace, AgentPlaces } from './agentPlace.js';
import type { LocalPlace } from './localPlace.js';
import type { SshPlace } from './sshPlace.js';

export function agentPlaces(local: LocalPlace, ssh: SshPlace): AgentPlaces {
  return {
    placeFor: (agent: Agent): AgentPlace => (agent.ssh ? ssh : local),
    close: () => ssh.close(),
  };
}
