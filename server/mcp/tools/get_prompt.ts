import { defineTool } from './tool.js';
import { agentName } from './schemas.js';

export default defineTool({
  name: 'get_prompt',
  description: "Read an agent's standing role prompt (yours by default).",
  input: { name: agentName.optional() },
  readOnly: true,
  run({ caller, side }, args) {
    const target = side.rolePrompt(caller, args.name);
    return target.rolePrompt || `${target.name} has no role prompt.`;
  },
});
