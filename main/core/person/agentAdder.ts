// Adding an agent for the person: its folder (the team's when none is given, checked before it
// is kept), and for a worktree agent its worktree made first, held under its name until added.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import type { AddAgentInput, AddedAgent } from '../../contract/service.js';
import { validateAgentName, validateSsh, type AgentRegistry } from '../agents/agentRegistry.js';
import type { Logger } from '../util/logger.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import type { TeamFolders } from './teamFolders.js';

type Worktree = NonNullable<AddAgentInput['worktree']>;

export interface AgentAdderDeps {
  agents: Pick<AgentRegistry, 'add' | 'get'>;
  worktrees: Pick<Workspaces, 'create' | 'removeUnused'>;
  folders: Pick<TeamFolders, 'startedIn' | 'chosen' | 'choose' | 'check' | 'isPrivate' | 'suggested'>;
  /** Handed out with each agent's token: where it reaches the studio ('' when none is known). */
  mcpUrl: string;
  logger: Logger;
}

export class AgentAdder {
  /** Names whose worktree is being made: held until the agent is added, or its add failed. */
  private readonly adding = new Set<string>();

  constructor(private readonly deps: AgentAdderDeps) {}

  /**
   * An agent as the person asks for it. With no folder given it goes to the team's, once the
   * person chose one (else its home, as always); the first agent's folder, when no team was
   * started, is the team's from then on. A folder that cannot be used is refused now, not at its
   * first start; one on another machine is looked at there, when the agent starts.
   */
  async add(input: AddAgentInput): Promise<AddedAgent> {
    const { folders } = this.deps;
    if (input.remote || input.ssh) return this.addAsGiven(input);
    const chosen = folders.chosen();
    const cwd = input.cwd || chosen;
    if (!cwd) return this.addAsGiven(input);
    const check = await folders.check(cwd);
    if (!check.ok)
      throw new StudioError(
        'invalid',
        `${input.name}'s folder: ${check.problem}${input.cwd ? '' : " It is the team's folder, where agents go when no folder is given: give one (--cwd DIR)."}`,
      );
    const added = await this.addAsGiven({ ...input, cwd: check.path });
    if (!chosen) folders.choose(check.path);
    return added;
  }

  /** An agent added as given (its local folder checked already): with a worktree made, if asked. */
  private async addAsGiven(input: AddAgentInput): Promise<AddedAgent> {
    const { agents, mcpUrl } = this.deps;
    const { worktree, ...rest } = input;
    if (!worktree) return { ...agents.add(rest), mcpUrl };
    if (input.remote)
      throw new StudioError(
        'invalid',
        'A worktree is for an agent the studio runs: one that connects by itself with a token makes its own.',
      );
    validateAgentName(input.name);
    const key = input.name.toLowerCase();
    if (agents.get(input.name) || this.adding.has(key))
      throw new StudioError('conflict', `There is already an agent called ${input.name}.`);
    // Held from the worktree's making to the agent's adding: a second add of the name meanwhile
    // is refused, so a failed add never takes back a worktree another add is using.
    this.adding.add(key);
    try {
      return await this.addWithWorktree(input, rest, worktree);
    } finally {
      this.adding.delete(key);
    }
  }

  /** A worktree agent: its worktree made (or taken up), then the agent added with it. */
  private async addWithWorktree(
    input: AddAgentInput,
    rest: Omit<AddAgentInput, 'worktree'>,
    worktree: Worktree,
  ): Promise<AddedAgent> {
    const { folders, worktrees } = this.deps;
    const dest = input.ssh?.dest;
    if (input.ssh) checkRemoteWorktree(input, worktree);
    const parent = !dest && worktree.parent ? await folders.check(worktree.parent) : undefined;
    // A folder that does not exist yet is made; one that exists must be usable. Neither may be
    // inside the studio's own data.
    if (parent && !parent.ok && (existsSync(parent.path) || folders.isPrivate(parent.path)))
      throw new StudioError('invalid', `Where ${input.name}'s worktree goes: ${parent.problem}`);
    // No folder given and none chosen: where the studio was started, never the studio's own.
    const folder = input.cwd || (dest ? folders.startedIn : folders.suggested().suggested);
    if (!folder)
      throw new StudioError(
        'invalid',
        `Give the folder of the repository ${input.name}'s worktree is made from (--cwd DIR): ${folders.suggested().note ?? ''}`.trim(),
      );
    const { workspace, created } = await worktrees.create(
      {
        folder,
        agentName: input.name,
        ...(worktree.base ? { base: worktree.base } : {}),
        ...(parent ? { parent: parent.path } : dest && worktree.parent ? { parent: worktree.parent } : {}),
      },
      dest,
    );
    try {
      return {
        ...this.deps.agents.add({ ...rest, cwd: workspace.path, workspace }),
        mcpUrl: this.deps.mcpUrl,
      };
    } catch (err) {
      // The agent could not be added after all: a worktree made just now goes again; one taken
      // up from an earlier agent of that name stays (it may be in use, or kept on purpose).
      if (created)
        await worktrees.removeUnused(workspace, dest).catch((e: Error) =>
          this.deps.logger.warn('could not take back the worktree of an agent not added', {
            path: workspace.path,
            err: e.message,
          }),
        );
      throw err;
    }
  }
}

/**
 * A worktree on another machine, checked before anything is made there (the registry checks
 * again on adding): a destination ssh is never run with, an agent the registry would refuse, a
 * repository folder given, and a parent folder that is a full path there.
 */
function checkRemoteWorktree(input: AddAgentInput, worktree: Worktree): void {
  const dest = input.ssh?.dest;
  validateSsh(input);
  if (!input.cwd)
    throw new StudioError(
      'invalid',
      `Give the folder of the repository on ${dest} (--cwd): the worktree is made from it.`,
    );
  if (worktree.parent !== undefined && !isAbsolute(worktree.parent) && !worktree.parent.startsWith('~/'))
    throw new StudioError(
      'invalid',
      `Where ${input.name}'s worktree goes on ${dest}: give a full path there (or one starting with ~/), not ${worktree.parent}.`,
    );
}
