// One process of an agent: its terminal, the tracker reading its state, and the wiring between
// them and the session manager. Made anew for each start; the manager keeps the current one.
import type { Agent, AgentState, AgentUsage } from '../../contract/model.js';
import type { TranscriptUsage } from '../claude/transcriptUsage.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';
import type { AgentPlace, PlacedLaunch } from './agentPlace.js';
import { AgentStateTracker, type SessionFlavor } from './agentStateTracker.js';
import { PtySession, type ExitStatus, type SeqSnapshot, type SpawnPty } from './ptySession.js';
import { CLASSIFY_TAIL_LINES, classifyScreen, type ScreenReading } from './screenClassifier.js';
import { TurnUsage } from './turnUsage.js';

/** A tile's first size before the UI reports its own; wide enough that Claude Code does not wrap. */
export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 36;

export type Size = { cols?: number; rows?: number };

/** A running agent's terminal and its state (for tests and diagnostics; product code uses the narrow accessors). */
export interface LiveSession {
  agentId: number;
  pty: PtySession;
  tracker: AgentStateTracker;
  flavor: SessionFlavor;
  /** Where it runs: asked about its exit. */
  place: AgentPlace;
  /** The person typed into this terminal (not the studio): wakes hold off for a while. */
  lastPersonInputAt: number;
  store: DisposableStore;
  /** Tells one process of this agent from the next: a viewer seeing a new one starts afresh. */
  generation: number;
  /** Hash of the credential this process's hooks report with (Claude Code only). */
  hookTokenHash: string | undefined;
  startedAt: number;
  /**
   * This process listed the studio's MCP tools. Claude Code draws its prompt before its MCP
   * servers have connected: a prompt it sends the model before then finds no check_inbox.
   */
  toolsListed: boolean;
  /** Its CLI leaves a waiter hook when idle (see Launch.waits): wakes wait a moment for it. */
  waits: boolean;
  /** The person or the studio is stopping it: its exit is expected, not a failure. */
  stopping: boolean;
  /** Clears the agent's record of quick exits once it has run for QUICK_EXIT_MS. */
  settled?: { cancel(): void };
  /** What it runs, for the advice after an exit. */
  command: string;
  /** Claude Code's token use, read from its transcript after each turn. */
  usage?: TurnUsage;
  /** Its Claude Code asked whether the person trusts its folder (see trustGiven). */
  askedTrust?: boolean;
}

/** What a start came to after START_SETTLE_MS (or sooner). */
export interface StartOutcome {
  agent: Agent;
  /** It showed it is ready (idle) within the wait; otherwise it is still starting. */
  ready: boolean;
}

export interface SessionOutput {
  agentId: number;
  data: string;
  /** Where `data` starts in this process's output stream. */
  seq: number;
  generation: number;
}

export interface SessionSnapshot extends SeqSnapshot {
  agentId: number;
  generation: number;
  running: boolean;
}

export interface LiveWiring {
  spawnPty: SpawnPty;
  clock: Clock;
  logger: Logger;
  /** This process's tracker read a new state. */
  onState(tracker: AgentStateTracker, state: AgentState, reading: ScreenReading): void;
  onOutput(data: string, seq: number): void;
  onExit(live: LiveSession, status: ExitStatus): void;
  /** Its token use after a turn (Claude Code only). */
  onUsage(live: LiveSession, usage: AgentUsage): void;
}

/** A process's terminal, tracker and wiring, not yet started. */
export function createLiveSession(
  agent: Agent,
  start: { place: AgentPlace; placed: PlacedLaunch; size: Size; generation: number },
  wiring: LiveWiring,
): LiveSession {
  const { launch, flavor } = start.placed;
  const store = new DisposableStore();
  const pty = new PtySession(
    {
      command: launch.command,
      args: launch.args,
      env: launch.env,
      cwd: start.placed.spawnCwd,
      cols: start.size.cols ?? DEFAULT_COLS,
      rows: start.size.rows ?? DEFAULT_ROWS,
      ...(launch.wrapped ? { wrapper: true } : {}),
    },
    wiring.spawnPty,
    wiring.clock,
  );
  const tracker: AgentStateTracker = new AgentStateTracker({
    mirror: pty.mirror,
    clock: wiring.clock,
    flavor,
    onChange: (state, reading) => wiring.onState(tracker, state, reading),
  });
  const live: LiveSession = {
    agentId: agent.id,
    pty,
    tracker,
    flavor,
    place: start.place,
    lastPersonInputAt: 0,
    store,
    generation: start.generation,
    hookTokenHash: start.placed.hookTokenHash,
    startedAt: wiring.clock.now(),
    toolsListed: false,
    waits: !!launch.waits,
    stopping: false,
    command: launch.wrapped ?? launch.command,
  };
  if (start.placed.usage) live.usage = turnUsage(live, start.placed.usage, wiring);
  store.add(pty.onDidRawOutput(() => tracker.output()));
  store.add(pty.onDidOutput(({ data, seq }) => wiring.onOutput(data, seq)));
  store.add(pty.onDidExit((status) => wiring.onExit(live, status)));
  store.add({ dispose: () => tracker.dispose() });
  store.add({ dispose: () => live.usage?.dispose() });
  return live;
}

function turnUsage(live: LiveSession, transcript: TranscriptUsage, wiring: LiveWiring): TurnUsage {
  return new TurnUsage(transcript, {
    clock: wiring.clock,
    logger: wiring.logger,
    onUsage: (usage) => wiring.onUsage(live, usage),
  });
}

/** A running agent's screen as the person's queue reads it: state, menu and bottom rows. */
export interface PromptScreen {
  state: AgentState;
  reading: ScreenReading;
  tail: string[];
}

/**
 * `now` classifies the mirror afresh (not the tracker's last reading): an answer pressed as keys
 * must find the same prompt still there before they go in.
 */
export function promptScreenOf(live: LiveSession, now: boolean): PromptScreen {
  const tail = live.pty.mirror.tail(CLASSIFY_TAIL_LINES);
  if (!now) return { state: live.tracker.state, reading: live.tracker.screen, tail };
  const reading = classifyScreen(tail.join('\n'));
  return { state: reading.state === 'unknown' ? live.tracker.state : reading.state, reading, tail };
}
