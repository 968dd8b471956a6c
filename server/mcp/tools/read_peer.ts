import { z } from 'zod';
import { defineTool } from './tool.js';
import { agentName } from './schemas.js';
import { TERMINAL_MAX_ROWS } from '../../../main/contract/limits.js';

export default defineTool({
  name: 'read_peer',
  description: "Read another agent's terminal screen as text (its last lines), to see what it is doing.",
  input: { name: agentName, lines: z.number().int().min(1).max(TERMINAL_MAX_ROWS).optional() },
  readOnly: true,
  run({ studio }, args) {
    const agent = studio.agents.require(args.name);
    const screen = studio.terminals.screen(agent.name).split('\n');
    while (screen.length && !screen[screen.length - 1]!.trim()) screen.pop();
    return screen.slice(-(args.lines ?? 40)).join('\n') || '(empty screen)';
  },
});
