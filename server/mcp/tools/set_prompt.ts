import { defineTool } from './tool.js';
import { agentName, rolePrompt } from './schemas.js';

export default defineTool({
  name: 'set_prompt',
  description:
    "Set a standing role prompt (yours, or another agent's if you are the commander). It is restored after /clear and used at the next start.",
  input: { text: rolePrompt, name: agentName.optional() },
  run({ caller, side }, args) {
    const target = side.setRolePrompt(caller, {
      text: args.text,
      ...(args.name !== undefined ? { name: args.name } : {}),
    });
    return `Role prompt for ${target.name} set (${args.text.length} characters).`;
  },
});
