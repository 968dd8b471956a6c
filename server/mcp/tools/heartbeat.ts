import { z } from 'zod';
import { StudioError } from '../../../main/contract/errors.js';
import { defineTool } from './tool.js';
import { summary } from './schemas.js';

export default defineTool({
  name: 'heartbeat',
  description:
    'Tell the studio you are alive (for agents the studio does not run in a terminal): optional state and summary. Returns your unread count.',
  input: { state: z.enum(['idle', 'busy']).optional(), summary: summary.optional() },
  run({ caller, studio }, args) {
    if (args.state !== undefined && studio.terminals.isRunning(caller.id)) {
      throw new StudioError(
        'invalid',
        'The studio reads your state from your terminal; send heartbeat without state.',
      );
    }
    studio.agents.update(caller.id, {
      ...(args.state !== undefined ? { state: args.state } : {}),
      ...(args.summary !== undefined ? { summary: args.summary } : {}),
    });
    return { unread: studio.bus.unreadCount(caller.id) };
  },
});
