import { defineTool } from './tool.js';
import { agentName } from './schemas.js';

export default defineTool({
  name: 'kick',
  description:
    'Wake an idle agent now: the studio types a prompt telling it to check its inbox. Refused while it is busy, on a dialog, or was woken recently.',
  input: { name: agentName },
  run({ caller, side }, args) {
    return `Waking ${side.kick(caller, args.name).name}.`;
  },
});
