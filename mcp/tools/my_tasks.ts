import { z } from 'zod';
import { defineTool } from './tool.js';
import { formatTask } from './format.js';

export default defineTool({
  name: 'my_tasks',
  description: 'Tasks assigned to you and tasks you dispatched, open ones unless include_done, with bodies.',
  input: { include_done: z.boolean().optional() },
  readOnly: true,
  run({ caller, studio }, args) {
    const open = !args.include_done;
    return {
      assigned: studio.board.list({ assignee: caller.name, open }).map((t) => formatTask(t, true)),
      dispatched: studio.board.list({ dispatcher: caller.name, open }).map((t) => formatTask(t)),
    };
  },
});
