import { defineTool } from './tool.js';
import { formatPeer } from './format.js';

export default defineTool({
  name: 'list_peers',
  description:
    'List the other agents and the person ("user"): name, role, summary, state (idle/busy/...), online, cwd, branch.',
  input: {},
  readOnly: true,
  run({ caller, studio }) {
    const now = studio.clock.now();
    return studio.agents
      .list()
      .filter((a) => a.id !== caller.id)
      .map((a) => formatPeer(a, now));
  },
});
