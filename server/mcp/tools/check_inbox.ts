import { z } from 'zod';
import { defineTool } from './tool.js';
import { formatMessage } from './format.js';
import { limit } from './schemas.js';

export default defineTool({
  name: 'check_inbox',
  description:
    'Read your unread messages, oldest first, and mark them read (peek: true leaves them unread). Reply with send_message and reply_to.',
  input: { limit: limit.optional(), peek: z.boolean().optional() },
  run({ caller, side }, args) {
    const { items, remaining } = side.bus.inbox(caller, {
      ...(args.limit !== undefined ? { limit: args.limit } : {}),
      markRead: !args.peek,
    });
    const left = args.peek ? remaining - items.length : remaining;
    return {
      messages: items.map(formatMessage),
      ...(left > 0 ? { more_unread: left } : {}),
    };
  },
});
