// Making the person's team: the commander and agent-1..N in a folder, the engineers in worktrees
// of their own in a git repository, and starting a first team, each agent on its own.
import { StudioError } from '../../contract/errors.js';
import type { Agent, Workspace } from '../../contract/model.js';
import type { StartTeamInput } from '../../contract/service.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { AgentSessions } from '../sessions/agentSessions.js';
import { ensureTeam, teamNames } from './team.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import type { TeamFolders } from './teamFolders.js';

export interface TeamSetupDeps {
  agents: Pick<AgentRegistry, 'get' | 'list' | 'require' | 'setLaunch' | 'add'>;
  folders: Pick<TeamFolders, 'check' | 'choose'>;
  worktrees: Pick<Workspaces, 'create'>;
  terminals: Pick<AgentSessions, 'startSettled'>;
}

export class TeamSetup {
  constructor(private readonly deps: TeamSetupDeps) {}

  /**
   * The commander and agent-1..N in a folder (those missing are added; all set to start with the
   * studio); in a git repository each new engineer gets a worktree of its own unless `worktrees`
   * is false. The folder is the team's from now on. Returns the names it added.
   */
  async ensure(count: number, cwd: string, worktrees?: boolean): Promise<string[]> {
    const { agents, folders } = this.deps;
    const check = await folders.check(cwd);
    if (!check.ok) throw new StudioError('invalid', check.problem ?? 'That folder cannot be used.');
    if (worktrees && !check.repo)
      throw new StudioError(
        'invalid',
        `${check.path} is not in a git repository, so there are no worktrees to give.`,
      );
    const made = new Map<string, Workspace>();
    if (worktrees ?? !!check.repo)
      for (const name of teamNames(count).slice(1))
        if (!agents.get(name))
          made.set(
            name,
            (await this.deps.worktrees.create({ folder: check.path, agentName: name })).workspace,
          );
    const added = ensureTeam(agents, count, check.path, made);
    // The person's choice: from now on where new agents (and a later first team) go by default.
    folders.choose(check.path);
    return added;
  }

  /**
   * A first team, made and started: refused when the studio has a team of its own already. Each
   * starts on its own; one that cannot start says why, and the others run regardless.
   */
  async start({
    cwd,
    agents: count,
    worktrees,
  }: StartTeamInput): Promise<Array<{ agent: Agent; error?: string }>> {
    const { agents, terminals } = this.deps;
    if (agents.list().some((a) => a.kind === 'agent' && !a.remote))
      throw new StudioError('conflict', 'This studio has a team already: add agents one by one instead.');
    await this.ensure(count, cwd, worktrees);
    const names = teamNames(count);
    const errors = await Promise.all(
      names.map((n) =>
        terminals.startSettled(n).then(
          () => undefined,
          (err: Error) => err.message,
        ),
      ),
    );
    return names.map((n, i) => ({ agent: agents.require(n), ...(errors[i] ? { error: errors[i] } : {}) }));
  }
}
