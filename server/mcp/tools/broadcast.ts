import { defineTool } from './tool.js';
import { messageText, messageType } from './schemas.js';

export default defineTool({
  name: 'broadcast',
  description: 'Send a message to every agent and the person. Use sparingly: it wakes everyone.',
  input: { text: messageText, type: messageType.optional() },
  run({ caller, side }, args) {
    const { message, recipients, full } = side.bus.broadcast(
      caller,
      args.text,
      args.type ? { type: args.type } : {},
    );
    return (
      `Broadcast message #${message.id} to ${recipients} recipient(s).` +
      (full.length ? ` Not delivered to ${full.join(', ')}: inbox full.` : '')
    );
  },
});
