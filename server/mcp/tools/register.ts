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
  run({ caller, studio }, args) {
    // What an agent says about itself never replaces what the person set: the folder it reports
    // is kept apart from its launch folder, and a role the person gave it stays.
    const me = studio.agents.update(caller.id, {
      ...(args.role !== undefined && !caller.role ? { role: args.role } : {}),
      ...(args.summary !== undefined ? { summary: args.summary } : {}),
      ...(args.cwd !== undefined ? { reportedCwd: args.cwd } : {}),
      ...(args.branch !== undefined ? { branch: args.branch } : {}),
    });
    const peers = studio.agents.list().filter((a) => a.id !== me.id);
    return {
      you: me.name,
      role: me.role,
      commander: me.commander || undefined,
      unread: studio.bus.unreadCount(me.id),
      open_tasks: studio.board.openCount(me.id),
      peers: peers.map((p) => p.name),
      topics: studio.bus.topicsOf(me),
    };
  },
});
