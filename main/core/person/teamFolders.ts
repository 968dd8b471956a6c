// Where the person's agents work: the folder chosen for the team (kept in the settings), the one
// the studio was started in, folders checked as the person types them, and the recent ones offered.
import type { FolderCheck, FolderChoices } from '../../contract/service.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import { claudeTrusts } from '../claude/claudeTrust.js';
import type { Settings } from '../store/settings.js';
import { checkFolder, inside, recentFolders, suggestFolder, TEAM_FOLDER_SETTING } from './team.js';
import type { RepoInfo } from '../workspaces/repoAccess.js';
import { defaultWorktreeParent } from '../workspaces/workspaceNames.js';

export interface TeamFoldersDeps {
  /** Where the studio was started (`serve --cwd`): a new team goes there, relative folders are read from there. */
  startedIn: string;
  /** The home folder agents run with (their HOME), which `~` means to the person. */
  home: string;
  /** The studio's private data (database, launch files, ssh sockets): never an agent's folder. */
  privateDirs: readonly string[];
  /** The studio's own folders, real paths: never suggested, cautioned when typed. */
  ownDirs: readonly string[];
  /** Claude Code's config file, which says which folders it trusts. */
  claudeConfig: string;
  settings: Pick<Settings, 'get' | 'set'>;
  agents: Pick<AgentRegistry, 'list'>;
  /** The repository a folder is in (its branches, its main worktree); rejects outside one. */
  repoInfo(folder: string): Promise<RepoInfo>;
}

export class TeamFolders {
  constructor(private readonly deps: TeamFoldersDeps) {}

  get startedIn(): string {
    return this.deps.startedIn;
  }

  /** The folder the person chose for the team, kept across restarts. */
  chosen(): string | undefined {
    return this.deps.settings.get<string>(TEAM_FOLDER_SETTING);
  }

  /** From now on where new agents (and a later first team) go by default. */
  choose(path: string): void {
    this.deps.settings.set(TEAM_FOLDER_SETTING, path);
  }

  /** The chosen folder while it is there, else where the studio started unless that is its own. */
  suggested(): { suggested: string; note?: string } {
    return suggestFolder({
      chosen: this.chosen(),
      startedIn: this.deps.startedIn,
      ownDirs: this.deps.ownDirs,
    });
  }

  choices(): FolderChoices {
    return {
      ...this.suggested(),
      recent: recentFolders(this.deps.agents, [this.deps.startedIn], this.deps.ownDirs),
    };
  }

  /** Whether a path is inside the studio's private data. */
  isPrivate(path: string): boolean {
    return this.deps.privateDirs.some((dir) => inside(dir, path));
  }

  /**
   * A folder as the person typed it: usable or why not, whether Claude Code trusts it, and in a
   * git repository what a worktree choice needs (the branch to start from, where worktrees go).
   */
  async check(path: string): Promise<FolderCheck> {
    const { startedIn, privateDirs, home, ownDirs, claudeConfig } = this.deps;
    const check = await checkFolder(path, { base: startedIn, privateDirs, home, ownDirs });
    if (!check.ok) return check;
    if (!check.git) return { ...check, claudeTrusted: claudeTrusts(claudeConfig, check.path) };
    const info = await this.deps.repoInfo(check.path).catch(() => undefined);
    const claudeTrusted = claudeTrusts(claudeConfig, check.path, info?.root);
    if (!info) return { ...check, claudeTrusted };
    return {
      ...check,
      claudeTrusted,
      repo: {
        root: info.root,
        branch: info.current,
        branches: info.branches,
        worktreeParent: defaultWorktreeParent(info.root),
      },
    };
  }
}
