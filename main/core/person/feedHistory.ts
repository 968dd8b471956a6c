// The feed's history when a window opens: recent mail and task events, cut where both reach.
import type { FeedHistory } from '../../contract/service.js';
import type { TaskBoard } from '../board/taskBoard.js';
import type { MessageBus } from '../bus/messageBus.js';

/** Feed lines loaded when a window opens, when it does not ask for a number. */
export const FEED_HISTORY_LINES = 200;

export interface FeedSources {
  bus: Pick<MessageBus, 'history' | 'deliveriesOf'>;
  board: Pick<TaskBoard, 'recentEvents'>;
}

/**
 * Up to `limit` messages (with their deliveries) and task events, newest first. A page of one
 * kind that stops short of its history (full, or cut to MAX_ANSWER_BYTES) reaches back less far
 * than the other may: both are cut there, so the feed never shows a stretch of time with one kind
 * missing.
 */
export function feedHistory({ bus, board }: FeedSources, limit = FEED_HISTORY_LINES): FeedHistory {
  const messages = bus.history(null, { limit });
  const taskEvents = board.recentEvents(limit);
  const lastMessage = messages.at(-1);
  const moreMessages = !!lastMessage && bus.history(null, { limit: 1, beforeId: lastMessage.id }).length > 0;
  const lastEvent = taskEvents.at(-1);
  const cutoff = Math.max(
    moreMessages ? lastMessage.createdAt : -Infinity,
    lastEvent && taskEvents.length >= limit ? lastEvent.event.createdAt : -Infinity,
  );
  const shown = messages.filter((m) => m.createdAt >= cutoff);
  const deliveries = bus.deliveriesOf(shown.map((m) => m.id));
  return {
    messages: shown.map((m) => ({ ...m, deliveries: deliveries.get(m.id) ?? [] })),
    taskEvents: taskEvents.filter((e) => e.event.createdAt >= cutoff),
  };
}
