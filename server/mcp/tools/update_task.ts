import { defineTool } from './tool.js';
import { formatTask } from './format.js';
import { agentName, blockers, taskBody, taskId, taskNote, taskPriority, taskStatus } from './schemas.js';

export default defineTool({
  name: 'update_task',
  description:
    'Change a task you hold or dispatched: status (in_progress, blocked, review, done...), result (your outcome), note, assignee (reassign; null unassigns), priority, blocked_by. The dispatcher is told.',
  input: {
    task_id: taskId,
    status: taskStatus.optional(),
    result: taskBody.optional(),
    note: taskNote.optional(),
    assignee: agentName.nullable().optional(),
    priority: taskPriority.optional(),
    blocked_by: blockers.optional(),
  },
  async run({ caller, side }, args) {
    const task = await side.tasks.update(caller, {
      id: args.task_id,
      ...(args.status !== undefined ? { status: args.status } : {}),
      ...(args.result !== undefined ? { result: args.result } : {}),
      ...(args.note !== undefined ? { note: args.note } : {}),
      ...(args.assignee !== undefined ? { assignee: args.assignee } : {}),
      ...(args.priority !== undefined ? { priority: args.priority } : {}),
      ...(args.blocked_by !== undefined ? { blockedBy: args.blocked_by } : {}),
    });
    return formatTask(task);
  },
});
