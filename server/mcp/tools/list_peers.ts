import { defineTool } from './tool.js';
import { formatPeer } from './format.js';

export default defineTool({
  name: 'list_peers',
  description:
    'List the other agents and the person ("user"): name, role, summary, state (idle/busy/...), online, cwd, branch.',
  input: {},
  readOnly: true,
  run({ caller, side }) {
    const now = side.clock.now();
    return side.peers(caller).map((a) => formatPeer(a, now));
  },
});
