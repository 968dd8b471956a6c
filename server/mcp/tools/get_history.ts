import { defineTool } from './tool.js';
import { formatMessage } from './format.js';
import { agentName, limit, messageId, topic } from './schemas.js';

export default defineTool({
  name: 'get_history',
  description:
    "Past messages you sent or received, newest first. with: only your conversation with that agent; topic: that topic's messages; before_id to page back.",
  input: {
    with: agentName.optional(),
    topic: topic.optional(),
    limit: limit.optional(),
    before_id: messageId.optional(),
  },
  readOnly: true,
  run({ caller, side }, args) {
    return side.bus
      .history(caller, {
        ...(args.with !== undefined ? { with: args.with } : {}),
        ...(args.topic !== undefined ? { topic: args.topic } : {}),
        ...(args.limit !== undefined ? { limit: args.limit } : {}),
        ...(args.before_id !== undefined ? { beforeId: args.before_id } : {}),
      })
      .map(formatMessage);
  },
});
