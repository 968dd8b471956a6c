import { defineTool } from './tool.js';
import { topic } from './schemas.js';

export default defineTool({
  name: 'unsubscribe',
  description: 'Stop receiving a topic.',
  input: { topic },
  run({ caller, side }, args) {
    const removed = side.bus.unsubscribe(caller, args.topic);
    return { unsubscribed: args.topic, was_subscribed: removed, topics: side.bus.topicsOf(caller) };
  },
});
