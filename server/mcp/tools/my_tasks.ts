import { z } from 'zod';
import { defineTool } from './tool.js';
import { MAX_ANSWER_BYTES } from '../../../main/contract/limits.js';
import { fitAnswer, formatTask } from './format.js';

export default defineTool({
  name: 'my_tasks',
  description: 'Tasks assigned to you and tasks you dispatched, open ones unless include_done, with bodies.',
  input: { include_done: z.boolean().optional() },
  readOnly: true,
  run({ caller, studio }, args) {
    const open = !args.include_done;
    // Half the answer each, so a long list of one kind cannot crowd out the other.
    const half = (MAX_ANSWER_BYTES - 4096) / 2;
    return {
      assigned: fitAnswer(
        studio.board.list({ assignee: caller.name, open }).map((t) => formatTask(t, true)),
        half,
      ),
      dispatched: fitAnswer(
        studio.board.list({ dispatcher: caller.name, open }).map((t) => formatTask(t)),
        half,
      ),
    };
  },
});
