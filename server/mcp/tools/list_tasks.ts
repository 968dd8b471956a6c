import { defineTool } from './tool.js';
import { fitAnswer, formatTask } from './format.js';
import { agentName, limit, taskStatus } from './schemas.js';

export default defineTool({
  name: 'list_tasks',
  description:
    'Tasks on the board, urgent first; filter by status or assignee. Without status, open tasks only.',
  input: { status: taskStatus.optional(), assignee: agentName.optional(), limit: limit.optional() },
  readOnly: true,
  run({ studio }, args) {
    return fitAnswer(
      studio.board
        .list({
          ...(args.status !== undefined ? { status: args.status } : { open: true }),
          ...(args.assignee !== undefined ? { assignee: args.assignee } : {}),
          ...(args.limit !== undefined ? { limit: args.limit } : {}),
        })
        .map((t) => formatTask(t)),
    );
  },
});
