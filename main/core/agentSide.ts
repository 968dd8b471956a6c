import type { StudioStatus } from '../contract/model.js';
import type { AgentRegistry } from './agents/agentRegistry.js';
import type { TaskBoard } from './board/taskBoard.js';
import type { MessageBus } from './bus/messageBus.js';
import type { AgentSessions } from './sessions/agentSessions.js';
import type { Clock } from './util/clock.js';
import type { Logger } from './util/logger.js';
import type { WakeEngine } from './wake/wakeEngine.js';
import type { TaskDispatch } from './workspaces/taskDispatch.js';

/**
 * What the agent side of the studio (its MCP tools) may use: the registry, mailbox, board and
 * peers' terminals through the operations an agent's tools call, and nothing else: no database,
 * no PTYs, no launching or removing agents, no admin. The person's side is StudioService.
 * Each rule (who may answer a menu, when a kick is refused) lives in the service that owns it.
 */
export interface AgentSide {
  readonly agents: Pick<
    AgentRegistry,
    'require' | 'get' | 'list' | 'getById' | 'update' | 'setLaunch' | 'touch'
  >;
  readonly bus: Pick<
    MessageBus,
    | 'send'
    | 'broadcast'
    | 'publish'
    | 'inbox'
    | 'history'
    | 'subscribe'
    | 'unsubscribe'
    | 'topicsOf'
    | 'unreadCount'
  >;
  readonly board: Pick<TaskBoard, 'list' | 'page' | 'detail' | 'openCount'>;
  /** Creating and changing tasks: a worktree agent's task gets its branch first. */
  readonly tasks: Pick<TaskDispatch, 'create' | 'update'>;
  /**
   * Other agents' terminals, to read and to answer a menu (the tools check who may); and the
   * caller's own, whose program has listed the studio's tools.
   */
  readonly terminals: Pick<
    AgentSessions,
    'screenTail' | 'reading' | 'keys' | 'hasTerminal' | 'isRunning' | 'toolsListed'
  >;
  readonly wake: Pick<WakeEngine, 'kick' | 'deliveryWarning'>;
  readonly clock: Clock;
  readonly logger: Logger;
  status(): StudioStatus;
}
