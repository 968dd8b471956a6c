// This machine: an agent's Claude Code (or its own command) runs in a PTY here, wired to the
// studio through files in its launch folder. Nothing here drops a link, so every exit is the
// program's own.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import type { Agent } from '../../contract/model.js';
import type { StudioUrls } from '../../contract/urls.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import {
  buildClaudeLaunch,
  childEnv,
  CLAUDE_MISSING,
  claudeProjectsDir,
  claudeTranscriptPath,
  defaultHome,
  findExecutable,
  writeMcpConfig,
} from '../claude/claudeLaunch.js';
import {
  claudeConfigFile,
  claudeTrusts,
  readsWorktreeTrust,
  recordWorktreeTrust,
} from '../claude/claudeTrust.js';
import { claudeVersionOf, probeClaudeVersion, unsupportedReason } from '../claude/claudeVersion.js';
import { TranscriptUsage } from '../claude/transcriptUsage.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { sessionIdFor, type AgentPlace, type PlacedLaunch } from './agentPlace.js';
import type { HookCredential } from './hookTokens.js';
import { guardLaunch, sandboxPlan } from './sandboxPolicy.js';

/** How often, and how far apart, a start tries to take Claude Code's lock on its config file. */
const TRUST_LOCK_TRIES = 20;
const TRUST_LOCK_WAIT_MS = 100;

export interface LocalPlaceOptions {
  agents: AgentRegistry;
  clock: Clock;
  logger: Logger;
  /** Where each agent's launch files go (a folder per agent). */
  launchDir: string;
  /**
   * Folders a sandboxed agent may not read or write: the studio's data folder (tokens, the
   * database) and the folder of every agent's launch files.
   */
  privateDirs: string[];
  /** Where agents reach the studio (MCP and hooks); undefined in a studio that is not listening. */
  urls: StudioUrls | undefined;
  /** Shell command Claude Code runs for each hook (the studio's hook reporter). */
  hookCommand: string;
  /** `claude` unless told otherwise (a path, or a wrapper). */
  claudeCommand?: string;
  baseEnv?: NodeJS.ProcessEnv;
}

export class LocalPlace implements AgentPlace {
  constructor(private readonly options: LocalPlaceOptions) {}

  private get env(): NodeJS.ProcessEnv {
    return this.options.baseEnv ?? process.env;
  }

  /** The CLI's version decides its hooks and whether it runs at all: asked off the event loop first. */
  async prepare(agent: Agent, hook: HookCredential, goOn: () => void): Promise<PlacedLaunch> {
    if (agent.profile.kind === 'claude') {
      const claude = findExecutable(this.options.claudeCommand ?? 'claude', this.env);
      if (claude) {
        const version = await probeClaudeVersion(claude, this.env);
        goOn();
        await this.recordWorktreeTrustSoon(agent, version);
      }
    }
    goOn();
    return this.launchNow(agent, hook);
  }

  readonly launchNow = (agent: Agent, hook: HookCredential): PlacedLaunch => {
    const cwd = agent.cwd || defaultHome(this.env);
    if (!existsSync(cwd))
      throw new StudioError('invalid', `${agent.name}'s working folder ${cwd} does not exist.`);
    return agent.profile.kind === 'command'
      ? this.commandLaunch(agent, agent.profile, cwd)
      : this.claudeLaunch(agent, cwd, hook);
  };

  private commandLaunch(
    agent: Agent,
    profile: Extract<Agent['profile'], { kind: 'command' }>,
    cwd: string,
  ): PlacedLaunch {
    const command = findExecutable(profile.command, this.env);
    if (!command) throw new StudioError('unavailable', `Command "${profile.command}" was not found on PATH.`);
    const urls = this.options.urls;
    // A command agent that speaks MCP finds its credential in a private file, never in its
    // environment: everything it runs (a shell, say) would inherit that.
    const mcp = urls && {
      STUDIO_MCP_URL: urls.mcp,
      STUDIO_MCP_CONFIG: writeMcpConfig(
        this.agentDir(agent),
        urls.mcp,
        this.options.agents.rotateToken(agent.name),
      ),
    };
    const env = childEnv(this.env, { STUDIO_AGENT: agent.name, ...mcp });
    return { launch: { command, args: profile.args, env }, flavor: 'plain', spawnCwd: cwd };
  }

  private claudeLaunch(agent: Agent, cwd: string, hook: HookCredential): PlacedLaunch {
    const claude = findExecutable(this.options.claudeCommand ?? 'claude', this.env);
    if (!claude) throw new StudioError('unavailable', CLAUDE_MISSING);
    const version = claudeVersionOf(claude);
    const unsupported = unsupportedReason(version);
    if (unsupported) throw new StudioError('unavailable', `${agent.name} was not started: ${unsupported}`);
    this.options.agents.setRuntime(agent.id, { cliVersion: version ?? '' });
    if (agent.workspace && !readsWorktreeTrust(version)) this.recordWorktreeTrust(agent);
    // Claude Code is wired to the studio (MCP, hooks): a studio that does not listen cannot run it.
    const urls = this.options.urls;
    if (!urls)
      throw new StudioError('unavailable', 'This studio has no listener, so Claude Code could not reach it.');
    const sandbox =
      agent.profile.kind === 'claude' && agent.profile.sandbox
        ? sandboxPlan({ agent, cwd, env: this.env, privateDirs: this.options.privateDirs, version })
        : undefined;
    const sessionId = sessionIdFor(this.options.agents, agent.id);
    const transcript = claudeTranscriptPath(defaultHome(this.env), cwd, sessionId);
    const launch = buildClaudeLaunch({
      agentName: agent.name,
      agentDir: this.agentDir(agent),
      cwd,
      mcpUrl: urls.mcp,
      hookUrl: urls.hooks,
      hookWaitUrl: urls.hookWait,
      token: this.options.agents.rotateToken(agent.name),
      hookToken: hook.token,
      hookCommand: this.options.hookCommand,
      sessionId,
      resume: existsSync(transcript),
      rolePrompt: agent.rolePrompt,
      claudeCommand: claude,
      ...(agent.profile.kind === 'claude' && agent.profile.args ? { extraArgs: agent.profile.args } : {}),
      baseEnv: this.env,
      ...(sandbox ? { sandbox: sandbox.paths } : {}),
      ...(version ? { version } : {}),
    });
    return {
      launch: sandbox?.guard ? guardLaunch(launch, sandbox.guard.bwrap, sandbox.guard.layout) : launch,
      flavor: 'claude',
      spawnCwd: cwd,
      hookTokenHash: hook.hash,
      usage: new TranscriptUsage(transcript, claudeProjectsDir(launch.env), () => Date.now()),
    };
  }

  private agentDir(agent: Agent): string {
    return join(this.options.launchDir, 'agents', agent.name);
  }

  /**
   * A worktree the studio made from a repository the person trusted in Claude Code is trusted too:
   * recorded for the versions that ask in each worktree (newer ones read the repository's trust
   * themselves). Otherwise its Claude Code asks, and its tile says so.
   */
  private recordWorktreeTrust(agent: Agent): void {
    const ws = agent.workspace!;
    const file = claudeConfigFile(this.env);
    const outcome = recordWorktreeTrust(file, ws.repo, ws.path);
    if (outcome === 'recorded')
      this.options.logger.info("recorded a trusted repository's trust for its worktree", {
        agent: agent.name,
        repo: ws.repo,
        worktree: ws.path,
        file,
      });
    else if (outcome === 'skipped' || outcome === 'busy')
      this.options.logger.info("could not record a worktree's trust now; Claude Code will ask", {
        agent: agent.name,
        file,
        why: outcome === 'busy' ? 'Claude Code holds the lock on it' : 'unreadable',
      });
  }

  /**
   * The same before a start the person (or a trust just given) asked for, waiting a moment while
   * another Claude Code holds the file's lock: one starting or answering its own trust question
   * writes the file just then.
   */
  private async recordWorktreeTrustSoon(agent: Agent, version: string | undefined): Promise<void> {
    if (!agent.workspace || readsWorktreeTrust(version)) return;
    for (let tries = 0; tries < TRUST_LOCK_TRIES; tries++) {
      if (
        recordWorktreeTrust(claudeConfigFile(this.env), agent.workspace.repo, agent.workspace.path) !== 'busy'
      )
        return;
      await new Promise<void>((resolve) => this.options.clock.setTimeout(resolve, TRUST_LOCK_WAIT_MS));
    }
  }

  trustedNow(agent: Agent): boolean {
    const folder = agent.cwd || defaultHome(this.env);
    return claudeTrusts(claudeConfigFile(this.env), folder, agent.workspace?.repo);
  }

  /** Its PTY ends with its process: no link to lose. */
  linkLost(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  /** Nothing here mends itself: a missing program or folder waits for the person. */
  passing(): boolean {
    return false;
  }

  /** Its launch files stay in the launch folder (the registry's removal deals with them). */
  forget(): Promise<void> {
    return Promise.resolve();
  }
}
