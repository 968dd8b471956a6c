import { defineTool } from './tool.js';
import { agentName } from './schemas.js';

export default defineTool({
  name: 'get_prompt',
  description: "Read an agent's standing role prompt (yours by default).",
  input: { name: agentName.optional() },
  readOnly: true,
  run({ caller, studio }, args) {
    const target = args.name ? studio.agents.require(args.name) : caller;
    return target.rolePrompt || `${target.name} has no role prompt.`;
  },
});
