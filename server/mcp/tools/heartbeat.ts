import { z } from 'zod';
import { defineTool } from './tool.js';
import { summary } from './schemas.js';

export default defineTool({
  name: 'heartbeat',
  description:
    'Tell the studio you are alive (for agents the studio does not run in a terminal): optional state and summary. Returns your unread count.',
  input: { state: z.enum(['idle', 'busy']).optional(), summary: summary.optional() },
  run({ caller, side }, args) {
    return side.heartbeat(caller, {
      ...(args.state !== undefined ? { state: args.state } : {}),
      ...(args.summary !== undefined ? { summary: args.summary } : {}),
    });
  },
});
