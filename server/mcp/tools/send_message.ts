import { z } from 'zod';
import { StudioError } from '../../../main/contract/errors.js';
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
  run({ caller, studio }, args) {
    // Urgent mail interrupts a busy agent's work: the commander's (and the person's) to give.
    if (args.urgent && !caller.commander)
      throw new StudioError(
        'forbidden',
        'Only the commander sends urgent mail; send it without urgent and it arrives when the recipient ends its turn.',
      );
    const m = studio.bus.send(caller, args.to, args.text, {
      ...(args.type ? { type: args.type } : {}),
      ...(args.reply_to !== undefined ? { replyTo: args.reply_to } : {}),
      ...(args.urgent ? { urgent: true } : {}),
    });
    // Stored already: a recipient removed meanwhile must not turn the send into an error.
    const to = studio.agents.get(args.to);
    const warning = to ? studio.wake.deliveryWarning(to.id) : undefined;
    return `Sent ${args.urgent ? 'urgent ' : ''}message #${m.id} to ${m.to.join(', ')}.${warning ? ` Note: ${warning}` : ''}`;
  },
});
