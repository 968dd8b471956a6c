import { z } from 'zod';
import { defineTool } from './tool.js';
import { agentName, menuKeys } from './schemas.js';

export default defineTool({
  name: 'respond',
  description:
    "Answer another agent's open menu or permission prompt: option picks a numbered choice; keys sends keys (digits, enter, esc, up, down, tab). Commander only.",
  input: {
    name: agentName,
    option: z.number().int().min(1).max(9).optional(),
    keys: menuKeys.optional(),
  },
  run({ caller, side }, args) {
    const agent = side.answerPrompt(caller, {
      name: args.name,
      ...(args.option !== undefined ? { option: args.option } : {}),
      ...(args.keys !== undefined ? { keys: args.keys } : {}),
    });
    return `Sent ${args.option !== undefined ? `option ${args.option}` : args.keys!.join(' ')} to ${agent.name}.`;
  },
});
