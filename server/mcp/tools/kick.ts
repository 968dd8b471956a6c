import { defineTool } from './tool.js';
import { agentName } from './schemas.js';

export default defineTool({
  name: 'kick',
  description:
    'Wake an idle agent now: the studio types a prompt telling it to check its inbox. Refused while it is busy, on a dialog, or was woken recently.',
  input: { name: agentName },
  run({ caller, studio }, args) {
    const agent = studio.agents.require(args.name);
    // Refusals (busy, dialog, cooldown, no terminal) throw here with the reason; typing goes on.
    const typing = studio.wake.kick(agent.id, 'agent');
    typing.catch((err: unknown) =>
      studio.logger.warn('kick failed', { by: caller.name, agent: agent.name, err: String(err) }),
    );
    return `Waking ${agent.name}.`;
  },
});
