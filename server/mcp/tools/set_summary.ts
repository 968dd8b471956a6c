import { defineTool } from './tool.js';
import { summary } from './schemas.js';

export default defineTool({
  name: 'set_summary',
  description: 'Set the one-line summary peers see for you (what you are working on now).',
  input: { summary },
  run({ caller, side }, { summary }) {
    side.setSummary(caller, summary);
    return 'Summary set.';
  },
});
