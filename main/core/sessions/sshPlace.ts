// A host over SSH: an agent's Claude Code runs there in an ssh session on the host's shared
// connection, its files written there first. Its link can drop; the studio then reconnects.
import { StudioError } from '../../contract/errors.js';
import type { Agent } from '../../contract/model.js';
import { sshHostLabel } from '../../contract/ssh.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import { defaultHome } from '../claude/claudeLaunch.js';
import { TranscriptUsage } from '../claude/transcriptUsage.js';
import { isFinal, prepareRemoteLaunch } from '../remote/remoteLaunch.js';
import { remoteAgentDir, removeScript } from '../remote/remoteSetup.js';
import type { SshLinks } from '../remote/sshLink.js';
import { sessionIdFor, type AgentPlace, type PlacedLaunch } from './agentPlace.js';
import type { HookCredential } from './hookTokens.js';
import type { ExitStatus } from './ptySession.js';

/** ssh exits 255 for its own failures (a dropped link among them), anything else is the remote program's. */
const SSH_FAILED = 255;

export interface SshPlaceOptions {
  agents: AgentRegistry;
  /** The studio's connections to hosts; absent in a studio that does not listen (none can start). */
  links: SshLinks | undefined;
  /** This studio's folder name on other machines (see remoteAgentDir). */
  studioKey: string;
  baseEnv?: NodeJS.ProcessEnv;
}

export class SshPlace implements AgentPlace {
  private closed = false;

  constructor(private readonly options: SshPlaceOptions) {}

  private get env(): NodeJS.ProcessEnv {
    return this.options.baseEnv ?? process.env;
  }

  /**
   * Reaches the agent's host, writes its files there and builds its terminal's command line (ssh,
   * run here from the person's home).
   */
  async prepare(agent: Agent, hook: HookCredential, goOn: () => void): Promise<PlacedLaunch> {
    const links = this.options.links;
    if (!links)
      throw new StudioError(
        'unavailable',
        'This studio has no listener, so an agent on another machine could not reach it.',
      );
    const prepared = await prepareRemoteLaunch({
      agent,
      link: links.forAgent(agent.ssh!.dest, agent.id),
      studioKey: this.options.studioKey,
      token: this.options.agents.rotateToken(agent.name),
      hookToken: hook.token,
      sessionId: sessionIdFor(this.options.agents, agent.id),
      baseEnv: this.env,
      goOn,
    });
    this.options.agents.setRuntime(agent.id, { cliVersion: prepared.version ?? '' });
    const { file, projects, source } = prepared.transcript;
    return {
      launch: prepared.launch,
      flavor: 'claude',
      spawnCwd: defaultHome(this.env),
      hookTokenHash: hook.hash,
      // Read there, over the connection.
      ...(projects ? { usage: new TranscriptUsage(file, projects, () => Date.now(), source) } : {}),
      host: agent.ssh!.dest,
    };
  }

  /**
   * The session ended with the link: the host's connection is gone. A 255 (ssh's own failure) over
   * a connection that still answers is the session's own (the host refused it, or the program
   * exited 255): an exit like any other, under the quick-exit cap.
   */
  async linkLost(agent: Agent, status: ExitStatus): Promise<string | undefined> {
    const dest = agent.ssh?.dest;
    const link = dest && this.options.links?.forAgent(dest, agent.id);
    if (!link) return undefined;
    const lost = !link.up || (status.code === SSH_FAILED && !(await link.alive()));
    return lost ? `The SSH link to ${sshHostLabel(dest)} dropped.` : undefined;
  }

  /** What only the person can mend (a refused login, an untrusted host key, no Claude Code there) is final. */
  passing(err: unknown): boolean {
    return !isFinal(err);
  }

  /** Trust on a host is that host's Claude Code's own business. */
  trustedNow(): boolean {
    return false;
  }

  /** Its files there held credentials that are dead now: they go too, if the host answers. */
  async forget(agent: Pick<Agent, 'id' | 'name' | 'ssh'>): Promise<void> {
    const links = this.options.links;
    if (!agent.ssh || !links || this.closed) return;
    const link = links.forAgent(agent.ssh.dest, agent.id);
    const dir = remoteAgentDir(this.options.studioKey, agent.name);
    if (link.up) await link.exec('sh -s', removeScript(dir)).catch(() => undefined);
    links.release(agent.id);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.options.links?.close();
  }
}
