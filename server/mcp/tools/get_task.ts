import { defineTool } from './tool.js';
import { formatTaskDetail } from './format.js';
import { taskId } from './schemas.js';

export default defineTool({
  name: 'get_task',
  description: 'One task in full: body, result and its history of changes.',
  input: { task_id: taskId },
  readOnly: true,
  run({ side }, args) {
    return formatTaskDetail(side.board.detail(args.task_id));
  },
});
