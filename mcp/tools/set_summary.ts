import { z } from 'zod';
import { defineTool } from './tool.js';

export default defineTool({
  name: 'set_summary',
  description: 'Set the one-line summary peers see for you (what you are working on now).',
  input: { summary: z.string().max(500) },
  run({ caller, studio }, { summary }) {
    studio.agents.update(caller.id, { summary });
    return 'Summary set.';
  },
});
