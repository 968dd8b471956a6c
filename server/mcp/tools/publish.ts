import { UNRECEIVED_MESSAGE_RETENTION_MS } from '../../../main/contract/limits.js';
import { defineTool } from './tool.js';
import { messageId, messageText, messageType, topic } from './schemas.js';

export default defineTool({
  name: 'publish',
  description: "Publish a message to a topic's subscribers (not to yourself).",
  input: { topic, text: messageText, type: messageType.optional(), reply_to: messageId.optional() },
  run({ caller, side }, args) {
    const { message, recipients, full } = side.bus.publish(caller, args.topic, args.text, {
      ...(args.type ? { type: args.type } : {}),
      ...(args.reply_to !== undefined ? { replyTo: args.reply_to } : {}),
    });
    const skipped = full.length ? ` Not delivered to ${full.join(', ')}: inbox full.` : '';
    return recipients
      ? `Published #${message.id} to ${args.topic} (${recipients} subscriber(s)).${skipped}`
      : `Published #${message.id} to ${args.topic}; nobody else received it (it stays in the topic's history for ` +
          `${UNRECEIVED_MESSAGE_RETENTION_MS / 60_000} minutes).${skipped}`;
  },
});
