// The desk wired to the services it reads and acts through: each a narrow view of its owner.
import type { TaskCheck } from '../../contract/checks.js';
import type { StudioEvent } from '../../contract/events.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { TaskBoard } from '../board/taskBoard.js';
import type { MessageBus } from '../bus/messageBus.js';
import type { AgentSessions } from '../sessions/agentSessions.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';
import type { WakeEngine } from '../wake/wakeEngine.js';
import type { WakeGuard } from '../wake/wakeGuard.js';
import type { Settings } from '../store/settings.js';
import type { Logger } from '../util/logger.js';
import { Desk } from './desk.js';
import { PermissionHolds } from './permissionHolds.js';
import { ReviewSizes, type ReviewSizesDeps } from './reviewSizes.js';

export interface StudioDeskParts {
  agents: Pick<AgentRegistry, 'list' | 'get' | 'getById' | 'person'>;
  board: Pick<TaskBoard, 'list'>;
  bus: Pick<MessageBus, 'send'>;
  sessions: Pick<AgentSessions, 'promptScreen' | 'keys' | 'restart' | 'onDidChangeState'>;
  guard: Pick<WakeGuard, 'release'>;
  wake: Pick<WakeEngine, 'consider'>;
  events: Emitter<StudioEvent>;
  clock: Clock;
  /** Each task's latest check run (a review item says it). */
  checks?: { run(taskId: number): TaskCheck | null };
  /** A task branch's size (Workspaces.branchCounts); absent, review items say none. */
  counts?: ReviewSizesDeps['counts'];
  logger: Logger;
  /** Where the last item serial is kept across restarts. */
  settings?: Pick<Settings, 'get' | 'set'>;
}

/** The settings key of the last serial the queue gave out. */
const SERIAL_KEY = 'desk.lastSerial';

export function studioDesk(parts: StudioDeskParts): Desk {
  const { agents, sessions } = parts;
  const name = (agentId: number): string => {
    const agent = agents.getById(agentId);
    if (!agent) throw new Error(`no agent #${agentId}`);
    return agent.name;
  };
  // Holds change only once the desk exists (a hook comes in, an answer goes out).
  const holds = new PermissionHolds({ clock: parts.clock, onChange: () => desk.refresh() });
  const sizes = parts.counts
    ? new ReviewSizes({
        board: parts.board,
        agents,
        counts: parts.counts,
        events: parts.events,
        onChange: () => desk.refresh(),
        logger: parts.logger,
      })
    : undefined;
  const desk: Desk = new Desk({
    sources: {
      agents: () => agents.list(),
      reviews: () => parts.board.list({ status: 'review' }),
      screen: (agentId) => sessions.promptScreen(agentId),
      check: (taskId) => parts.checks?.run(taskId) ?? null,
      size: (taskId) => sizes?.size(taskId),
    },
    holds,
    actions: {
      screenNow: (agentId) => sessions.promptScreen(agentId, true),
      keys: (agentId, keys) => sessions.keys(name(agentId), keys),
      tell: (agentId, text) => void parts.bus.send(agents.person, name(agentId), text),
      release: (agentId) => {
        parts.guard.release(agentId);
        parts.wake.consider(agentId);
      },
      restart: async (agentId) => void (await sessions.restart(name(agentId))),
    },
    events: parts.events,
    ...(parts.settings
      ? {
          serials: {
            last: () => parts.settings!.get<number>(SERIAL_KEY) ?? 0,
            save: (serial: number) => parts.settings!.set(SERIAL_KEY, serial),
          },
        }
      : {}),
    onScreen: (listener) => sessions.onDidChangeState(listener),
    ...(sizes ? { owns: [sizes] } : {}),
    clock: parts.clock,
  });
  return desk;
}
