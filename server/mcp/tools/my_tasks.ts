import { z } from 'zod';
import { defineTool } from './tool.js';
import { DEFAULT_TASK_PAGE_ITEMS, MAX_ANSWER_BYTES } from '../../../main/contract/limits.js';
import { fitTaskPage, formatTask } from './format.js';

export default defineTool({
  name: 'my_tasks',
  description: 'Tasks assigned to you and tasks you dispatched, open ones unless include_done, with bodies.',
  input: { include_done: z.boolean().optional() },
  readOnly: true,
  run({ caller, side }, args) {
    const open = !args.include_done;
    // Half the answer each, so a long list of one kind cannot crowd out the other.
    const half = (MAX_ANSWER_BYTES - 4096) / 2;
    const page = (query: { assignee?: string; dispatcher?: string }) =>
      side.board.page({ ...query, open, limit: DEFAULT_TASK_PAGE_ITEMS });
    const assigned = fitTaskPage(page({ assignee: caller.name }), (t) => formatTask(t, true), half);
    const dispatched = fitTaskPage(page({ dispatcher: caller.name }), (t) => formatTask(t), half);
    return {
      assigned: assigned.tasks,
      dispatched: dispatched.tasks,
      ...(assigned.next || dispatched.next
        ? { more: `Only the most recently updated are shown; list_tasks pages through all.` }
        : {}),
    };
  },
});
