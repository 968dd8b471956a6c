import { z } from 'zod';
import { defineTool } from './tool.js';
import { agentName, messageId, messageText, messageType } from './schemas.js';

export default defineTool({
  name: 'send_message',
  description:
    'Send a message to one agent (or "user", the person). It is stored before this returns and the recipient is woken if idle, or told when its turn ends. Use reply_to with a message id to answer it. urgent (commander only) tells a busy recipient at its next tool call.',
  input: {
    to: agentName,
    text: messageText,
    type: messageType.optional(),
    reply_to: messageId.optional(),
    urgent: z.boolean().optional(),
  },
  run({ caller, side }, args) {
    const { message: m, warning } = side.send(caller, {
      to: args.to,
      text: args.text,
      ...(args.type ? { type: args.type } : {}),
      ...(args.reply_to !== undefined ? { replyTo: args.reply_to } : {}),
      ...(args.urgent ? { urgent: true } : {}),
    });
    return `Sent ${args.urgent ? 'urgent ' : ''}message #${m.id} to ${m.to.join(', ')}.${warning ? ` Note: ${warning}` : ''}`;
  },
});
