import { defineTool } from './tool.js';
import { branch, folder, role, summary } from './schemas.js';

export default defineTool({
  name: 'register',
  description:
    'Introduce yourself to the studio at the start of a session: your role, a one-line summary of your work, cwd and git branch. Your name comes from your token. Returns your unread count and peers.',
  input: {
    role: role.optional(),
    summary: summary.optional(),
    cwd: folder.optional(),
    branch: branch.optional(),
  },
  run({ caller, side }, args) {
    const { me, peers, unread, openTasks, topics } = side.register(caller, {
      ...(args.role !== undefined ? { role: args.role } : {}),
      ...(args.summary !== undefined ? { summary: args.summary } : {}),
      ...(args.cwd !== undefined ? { cwd: args.cwd } : {}),
      ...(args.branch !== undefined ? { branch: args.branch } : {}),
    });
    return {
      you: me.name,
      role: me.role,
      commander: me.commander || undefined,
      unread,
      open_tasks: openTasks,
      peers: peers.map((p) => p.name),
      topics,
    };
  },
});
