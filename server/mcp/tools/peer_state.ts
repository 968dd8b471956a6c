import { defineTool } from './tool.js';
import { agentName } from './schemas.js';

export default defineTool({
  name: 'peer_state',
  description:
    "An agent's state (idle, busy, waiting_permission, waiting_select, waiting_text, waiting_shell, waiting_trust, waiting_login, stuck, unrecognised, starting, exited) and the options of its open menu.",
  input: { name: agentName },
  readOnly: true,
  run({ studio }, args) {
    const agent = studio.agents.require(args.name);
    if (agent.remote || agent.kind !== 'agent' || !studio.terminals.hasTerminal(agent.id)) {
      return { name: agent.name, state: agent.state, terminal: false };
    }
    const { state, reading } = studio.terminals.reading(agent.name);
    return {
      name: agent.name,
      state,
      ...(reading.options.length
        ? { options: reading.options.map((o) => `${o.focused ? '> ' : ''}${o.number}. ${o.label}`) }
        : {}),
      ...(reading.input ? { typed: reading.input } : {}),
      ...(reading.queued ? { queued_input: true } : {}),
    };
  },
});
