import { StudioError } from '../../../main/contract/errors.js';
import { defineTool } from './tool.js';
import { agentName, rolePrompt } from './schemas.js';

export default defineTool({
  name: 'set_prompt',
  description:
    "Set a standing role prompt (yours, or another agent's if you are the commander). It is restored after /clear and used at the next start.",
  input: { text: rolePrompt, name: agentName.optional() },
  run({ caller, studio }, args) {
    const target = args.name ? studio.agents.require(args.name) : caller;
    if (target.id !== caller.id && !caller.commander && caller.kind !== 'person') {
      throw new StudioError('forbidden', "Only the commander may set another agent's prompt.");
    }
    studio.agents.setLaunch(target.id, { rolePrompt: args.text });
    return `Role prompt for ${target.name} set (${args.text.length} characters).`;
  },
});
