import { z } from 'zod';
import { DEFAULT_TASK_PAGE_ITEMS } from '../../../main/contract/limits.js';
import { defineTool } from './tool.js';
import { TASK_CURSOR_PATTERN, fitTaskPage, formatTask, parseTaskCursor } from './format.js';
import { agentName, limit, taskStatus } from './schemas.js';

export default defineTool({
  name: 'list_tasks',
  description:
    'Tasks on the board, urgent first; filter by status or assignee. Without status, open tasks only. ' +
    `${DEFAULT_TASK_PAGE_ITEMS} at a time: pass an answer's next as after for the following page.`,
  input: {
    status: taskStatus.optional(),
    assignee: agentName.optional(),
    limit: limit.optional(),
    after: z
      .string()
      .regex(TASK_CURSOR_PATTERN, 'after is the next value of a list_tasks answer, passed back as it was.')
      .optional(),
  },
  readOnly: true,
  run({ side }, args) {
    const page = side.board.page({
      ...(args.status !== undefined ? { status: args.status } : { open: true }),
      ...(args.assignee !== undefined ? { assignee: args.assignee } : {}),
      limit: args.limit ?? DEFAULT_TASK_PAGE_ITEMS,
      ...(args.after !== undefined ? { after: parseTaskCursor(args.after) } : {}),
    });
    return fitTaskPage(page, (t) => formatTask(t));
  },
});
