import { defineTool } from './tool.js';
import { agentName, messageId, messageText, messageType } from './schemas.js';

export default defineTool({
  name: 'send_message',
  description:
    'Send a message to one agent (or "user", the person). It is stored before this returns and the recipient is woken if idle. Use reply_to with a message id to answer it.',
  input: {
    to: agentName,
    text: messageText,
    type: messageType.optional(),
    reply_to: messageId.optional(),
  },
  run({ caller, studio }, args) {
    const m = studio.bus.send(caller, args.to, args.text, {
      ...(args.type ? { type: args.type } : {}),
      ...(args.reply_to !== undefined ? { replyTo: args.reply_to } : {}),
    });
    // Stored already: a recipient removed meanwhile must not turn the send into an error.
    const to = studio.agents.get(args.to);
    const warning = to ? studio.wake.deliveryWarning(to.id) : undefined;
    return `Sent message #${m.id} to ${m.to.join(', ')}.${warning ? ` Note: ${warning}` : ''}`;
  },
});
