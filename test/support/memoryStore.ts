// The studio's store and nothing that runs: SQLite in memory with the registry, the bus and the
// board on it, for rules that need only what is stored (the person's service, the studio's status).
import type { StudioEvent } from '../../main/contract/events.js';
import { AgentRegistry } from '../../main/core/agents/agentRegistry.js';
import { TaskBoard } from '../../main/core/board/taskBoard.js';
import { MessageBus } from '../../main/core/bus/messageBus.js';
import { openDatabase, type Db } from '../../main/core/store/database.js';
import { Settings } from '../../main/core/store/settings.js';
import { Emitter } from '../../main/core/util/emitter.js';
import { FakeClock } from './fakeClock.js';

export interface MemoryStore {
  db: Db;
  events: Emitter<StudioEvent>;
  clock: FakeClock;
  settings: Settings;
  agents: AgentRegistry;
  bus: MessageBus;
  board: TaskBoard;
  close(): void;
}

export function openMemoryStore(clock = new FakeClock()): MemoryStore {
  const db = openDatabase(':memory:');
  const events = new Emitter<StudioEvent>();
  const agents = new AgentRegistry(db, events, clock);
  const bus = new MessageBus(db, agents, events, clock);
  const board = new TaskBoard(db, agents, bus, events, clock);
  return {
    db,
    events,
    clock,
    settings: new Settings(db),
    agents,
    bus,
    board,
    close: () => {
      events.dispose();
      db.close();
    },
  };
}
