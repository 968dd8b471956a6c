// Topics: what a topic's name may be, who follows which (the subscriptions table), and how many
// one agent may follow. Publishing to a topic is the bus's (MessageBus.publish).
import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import { MAX_TOPICS_PER_AGENT, TOPIC_PATTERN } from '../../contract/limits.js';
import type { Agent } from '../../contract/model.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';

export function validateTopic(topic: unknown): string {
  if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic)) {
    throw new StudioError(
      'invalid',
      'A topic is 1-64 letters, digits, "_", ".", "/", ":" or "-", starting with a letter or digit.',
    );
  }
  return topic;
}

export class Topics {
  private readonly stmts;

  constructor(
    db: Db,
    private readonly events: Emitter<StudioEvent>,
    private readonly clock: Clock,
  ) {
    this.stmts = {
      count: db.prepare('SELECT count(*) AS n FROM subscriptions WHERE agent_id = ?'),
      isSubscribed: db.prepare('SELECT 1 FROM subscriptions WHERE agent_id = ? AND topic = ?'),
      subscribe: db.prepare(
        'INSERT OR IGNORE INTO subscriptions (agent_id, topic, created_at) VALUES (?, ?, ?)',
      ),
      unsubscribe: db.prepare('DELETE FROM subscriptions WHERE agent_id = ? AND topic = ?'),
      subscribers: db.prepare('SELECT agent_id FROM subscriptions WHERE topic = ?'),
      topicsOf: db.prepare('SELECT topic FROM subscriptions WHERE agent_id = ? ORDER BY topic'),
    };
  }

  subscribe(agent: Agent, topic: string): boolean {
    validateTopic(topic);
    if (
      agent.kind !== 'person' &&
      !this.stmts.isSubscribed.get(agent.id, topic) &&
      (this.stmts.count.get(agent.id) as { n: number }).n >= MAX_TOPICS_PER_AGENT
    ) {
      throw new StudioError(
        'conflict',
        `You follow ${MAX_TOPICS_PER_AGENT} topics, the most one agent may; unsubscribe from one you no longer need first.`,
      );
    }
    const added = this.stmts.subscribe.run(agent.id, topic, this.clock.now()).changes > 0;
    if (added) this.events.fire({ type: 'topic.subscription', agent: agent.name, topic, subscribed: true });
    return added;
  }

  unsubscribe(agent: Agent, topic: string): boolean {
    validateTopic(topic);
    const removed = this.stmts.unsubscribe.run(agent.id, topic).changes > 0;
    if (removed)
      this.events.fire({ type: 'topic.subscription', agent: agent.name, topic, subscribed: false });
    return removed;
  }

  topicsOf(agent: Agent): string[] {
    return (this.stmts.topicsOf.all(agent.id) as Array<{ topic: string }>).map((r) => r.topic);
  }

  /** The ids of the agents following `topic`. */
  subscriberIds(topic: string): number[] {
    return (this.stmts.subscribers.all(topic) as Array<{ agent_id: number }>).map((r) => r.agent_id);
  }
}
