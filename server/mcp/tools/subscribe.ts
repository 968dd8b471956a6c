import { defineTool } from './tool.js';
import { topic } from './schemas.js';

export default defineTool({
  name: 'subscribe',
  description: 'Subscribe to a topic: messages published to it reach your inbox. Persists across restarts.',
  input: { topic },
  run({ caller, side }, args) {
    const added = side.bus.subscribe(caller, args.topic);
    return { subscribed: args.topic, new: added, topics: side.bus.topicsOf(caller) };
  },
});
