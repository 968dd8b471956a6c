import { StudioError } from '../../main/contract/errors.js';
import { defineTool } from './tool.js';
import { agentName } from './schemas.js';

export default defineTool({
  name: 'kick',
  description: 'Wake an idle agent now: the studio types a prompt telling it to check its inbox.',
  input: { name: agentName },
  run({ studio }, args) {
    const agent = studio.agents.require(args.name);
    const live = studio.sessions.get(agent.id);
    if (!live?.pty.running) throw new StudioError('unavailable', `${agent.name} has no running terminal.`);
    if (live.tracker.state !== 'idle') {
      throw new StudioError(
        'conflict',
        `${agent.name} is ${live.tracker.state}; it will see its mail when it is idle.`,
      );
    }
    void studio.wake.kick(agent.id).catch(() => undefined);
    return `Waking ${agent.name}.`;
  },
});
