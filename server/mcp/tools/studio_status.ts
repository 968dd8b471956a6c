import { defineTool } from './tool.js';
import { formatPeer, formatTask, iso } from './format.js';

export default defineTool({
  name: 'studio_status',
  description:
    'One-call overview: every agent with unread and open task counts, task counts by status, open tasks, recent activity.',
  input: {},
  readOnly: true,
  run({ side }) {
    const s = side.status();
    const now = side.clock.now();
    return {
      agents: s.agents.map((a) =>
        formatPeer(a, now, { unread: a.unread || undefined, open_tasks: a.openTasks || undefined }),
      ),
      tasks: s.taskCounts,
      open_tasks: s.openTasks.map((t) => formatTask(t)),
      activity: s.activity.map((a) => `${iso(a.at)} ${a.actor} ${a.text}`),
    };
  },
});
