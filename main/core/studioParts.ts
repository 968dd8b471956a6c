// The concrete services behind a studio's handle, for tests and the bench only. A host holds the
// handle (studio.ts) and nothing behind it: lint keeps this module out of main/host, main/cli,
// main/electron and server/.
import type { StudioEvent } from '../contract/events.js';
import type { StudioStatus } from '../contract/model.js';
import type { AgentRegistry } from './agents/agentRegistry.js';
import type { TaskBoard } from './board/taskBoard.js';
import type { MessageBus } from './bus/messageBus.js';
import type { AgentSessions } from './sessions/agentSessions.js';
import type { Desk } from './desk/desk.js';
import type { Db } from './store/database.js';
import type { TabSessions } from './tabs/tabSessions.js';
import type { Clock } from './util/clock.js';
import type { Emitter } from './util/emitter.js';
import type { Logger } from './util/logger.js';
import type { WakeEngine } from './wake/wakeEngine.js';
import type { WakeGuard } from './wake/wakeGuard.js';
import type { MailWaiters } from './wake/mailWaiters.js';
import type { SleepKeeper } from './sleep/sleepKeeper.js';
import type { ResourceWatch } from './resources/resourceWatch.js';
import type { Workspaces } from './workspaces/workspaces.js';

export interface StudioParts {
  readonly db: Db;
  readonly events: Emitter<StudioEvent>;
  readonly agents: AgentRegistry;
  readonly bus: MessageBus;
  readonly board: TaskBoard;
  /** Terminals of local agents (empty when the host gave no TerminalOptions). */
  readonly sessions: AgentSessions;
  readonly wake: WakeEngine;
  /** Idle agents' waiter hooks (asyncRewake). */
  readonly waiters: MailWaiters;
  /** Idle agents put to sleep, and woken. */
  readonly sleep: SleepKeeper;
  /** What each agent costs: memory and tokens. */
  readonly resources: ResourceWatch;
  readonly guard: WakeGuard;
  readonly workspaces: Workspaces;
  readonly tabs: TabSessions;
  /** What waits for the person (the queue), and the permission hooks held for it. */
  readonly desk: Desk;
  readonly clock: Clock;
  readonly logger: Logger;
  status(): StudioStatus;
}

const partsOf = new WeakMap<object, StudioParts>();

/** Called by createStudio for each handle it returns. */
export function keepStudioParts(handle: object, parts: StudioParts): void {
  partsOf.set(handle, parts);
}

/** The services behind a handle createStudio returned (tests and the bench only). */
export function studioParts(handle: object): StudioParts {
  const parts = partsOf.get(handle);
  if (!parts) throw new Error('studioParts takes a handle createStudio returned.');
  return parts;
}
