import { defineTool } from './tool.js';
import { formatTask } from './format.js';
import { agentName, blockers, taskBody, taskPriority, taskTitle } from './schemas.js';

export default defineTool({
  name: 'dispatch_task',
  description:
    'Create a task. With to, it is assigned and that agent gets it as a message; without, it goes to the backlog. You hear of every status change.',
  input: {
    title: taskTitle.min(1),
    body: taskBody.optional(),
    to: agentName.optional(),
    priority: taskPriority.optional(),
    blocked_by: blockers.optional(),
  },
  async run({ caller, side }, args) {
    const task = await side.tasks.create(caller, {
      title: args.title,
      ...(args.body !== undefined ? { body: args.body } : {}),
      ...(args.to !== undefined ? { assignee: args.to } : {}),
      ...(args.priority !== undefined ? { priority: args.priority } : {}),
      ...(args.blocked_by !== undefined ? { blockedBy: args.blocked_by } : {}),
    });
    const warning = task.assignee ? side.deliveryWarning(task.assignee) : undefined;
    return warning ? { ...formatTask(task), note: warning } : formatTask(task);
  },
});
