// Where an agent's process runs: this machine, or a host over SSH. The session manager opens a
// terminal on what a place prepared and asks it about exits, and never asks which place it holds
// (as code that uses a RepoPlace never asks whether a repository is local).
import type { ExitStatus } from './ptySession.js';
import type { Agent } from '../../contract/model.js';
import type { Launch } from '../claude/claudeLaunch.js';
import type { TranscriptUsage } from '../claude/transcriptUsage.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { SessionFlavor } from './agentStateTracker.js';
import type { HookCredential } from './hookTokens.js';
import { randomUUID } from 'node:crypto';

/** A launch a place prepared: what the terminal runs, and how to read it once it does. */
export interface PlacedLaunch {
  launch: Launch;
  flavor: SessionFlavor;
  /** The folder the terminal's own process starts in, on this machine. */
  spawnCwd: string;
  /** Hash of the hook credential its launch holds (Claude Code only): its hooks report with it. */
  hookTokenHash?: string;
  /** Its token use, read from its transcript after each turn (Claude Code only). */
  usage?: TranscriptUsage;
  /** For its log lines: the host it runs on, when not this machine. */
  host?: string;
}

export interface AgentPlace {
  /**
   * The launch, built at once (no round trip needed); absent where a start must be prepared first.
   * Throws a StudioError that says what is missing.
   */
  readonly launchNow?: (agent: Agent, hook: HookCredential) => PlacedLaunch;
  /**
   * Everything before the terminal opens: the CLI's version asked, a host reached, files written.
   * `goOn` throws once the start is called off (the studio closing, the person stopping it): a
   * place calls it after each wait, before it writes anything.
   */
  prepare(agent: Agent, hook: HookCredential, goOn: () => void): Promise<PlacedLaunch>;
  /**
   * An exit nobody asked for: the link to where it runs dropped (why, in the person's words), so
   * the studio reconnects; undefined when the program itself ended.
   */
  linkLost(agent: Agent, status: ExitStatus): Promise<string | undefined>;
  /** A failure to prepare that a later try may mend by itself (a host away, a timeout). */
  passing(err: unknown): boolean;
  /** Its Claude Code, asking whether the person trusts its folder, would find it trusted now. */
  trustedNow(agent: Agent): boolean;
  /** The agent is removed: what the place kept for it goes (its credentials' files on a host). */
  forget(agent: Pick<Agent, 'id' | 'name' | 'ssh'>): Promise<void>;
}

/** Which place each agent runs in. */
export interface AgentPlaces {
  placeFor(agent: Agent): AgentPlace;
  /** The studio is closing: connections to hosts end, and nothing more is reached through them. */
  close(): Promise<void>;
}

/** The Claude Code session an agent resumes across starts: made at its first start and kept. */
export function sessionIdFor(agents: AgentRegistry, agentId: number): string {
  const kept = agents.sessionIdOf(agentId);
  if (kept) return kept;
  const sessionId = randomUUID();
  agents.setLaunch(agentId, { sessionId });
  return sessionId;
}
