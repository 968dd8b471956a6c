import { defineTool } from './tool.js';
import { topic } from './schemas.js';

export default defineTool({
  name: 'unsubscribe',
  description: 'Stop receiving a topic.',
  input: { topic },
  run({ caller, studio }, args) {
    const removed = studio.bus.unsubscribe(caller, args.topic);
    return { unsubscribed: args.topic, was_subscribed: removed, topics: studio.bus.topicsOf(caller) };
  },
});
