import { defineTool } from './tool.js';
import { agentName } from './schemas.js';

export default defineTool({
  name: 'peer_state',
  description:
    "An agent's state (idle, busy, waiting_permission, waiting_select, waiting_text, waiting_shell, waiting_trust, waiting_login, stuck, unrecognised, starting, exited) and the options of its open menu.",
  input: { name: agentName },
  readOnly: true,
  run({ caller, side }, args) {
    const { agent, state, reading } = side.peerState(caller, args.name);
    if (!reading) return { name: agent.name, state, terminal: false };
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
