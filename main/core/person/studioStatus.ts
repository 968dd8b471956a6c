// The studio at a glance, as the person's status and an agent's studio_status both show it.
import type { StudioStatus } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { TaskBoard } from '../board/taskBoard.js';
import type { MessageBus } from '../bus/messageBus.js';

/** How many feed lines studio_status returns: enough context for one glance, small for the model. */
export const STATUS_ACTIVITY_LINES = 15;
/** Deliveries `status` lists: enough to see how mail has been reaching agents lately. */
export const STATUS_DELIVERIES = 8;
/** Open tasks `status` lists: a glance, not the board (list_tasks pages through the rest). */
export const STATUS_OPEN_TASKS = 25;

export interface StatusSources {
  agents: Pick<AgentRegistry, 'list'>;
  bus: Pick<MessageBus, 'unreadCounts' | 'recentActivity' | 'recentDeliveries'>;
  board: Pick<TaskBoard, 'openCounts' | 'recentActivity' | 'counts' | 'list'>;
  /** Each agent's memory now, where the studio reads it (core/resources). */
  memory?: (agentId: number) => number | null | undefined;
}

/**
 * Every agent with its unread mail and open tasks, the board's counts and open tasks, the latest
 * activity of mail and tasks together (newest first), and the latest deliveries.
 */
export function studioStatus({ agents, bus, board, memory }: StatusSources): StudioStatus {
  const unread = bus.unreadCounts();
  const open = board.openCounts();
  const activity = [
    ...bus.recentActivity(STATUS_ACTIVITY_LINES),
    ...board.recentActivity(STATUS_ACTIVITY_LINES),
  ]
    .sort((a, b) => b.at - a.at)
    .slice(0, STATUS_ACTIVITY_LINES);
  return {
    agents: agents.list().map((a) => {
      const bytes = memory?.(a.id);
      return {
        ...a,
        unread: unread.get(a.id) ?? 0,
        openTasks: open.get(a.id) ?? 0,
        ...(bytes !== undefined ? { memoryBytes: bytes } : {}),
      };
    }),
    taskCounts: board.counts(),
    openTasks: board.list({ open: true, limit: STATUS_OPEN_TASKS }),
    activity,
    deliveries: bus.recentDeliveries(STATUS_DELIVERIES),
  };
}
