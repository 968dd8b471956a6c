// The checks wired to the studio: git through the agent's RepoPlace, commands on its machine.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isRemoteRepo } from '../../contract/checks.js';
import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import type { FolderCheck } from '../../contract/service.js';
import type { Agent } from '../../contract/model.js';
import type { AgentRegistry } from '../agents/agentRegistry.js';
import type { TaskBoard } from '../board/taskBoard.js';
import type { SshLink } from '../remote/sshLink.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';
import { worktreeGit } from '../workspaces/git.js';
import { revParse } from '../workspaces/gitReads.js';
import type { Workspaces } from '../workspaces/workspaces.js';
import { localCheck, remoteCheck, type CheckOutcome } from './checkProcess.js';
import { CheckStore } from './checkStore.js';
import { TaskChecks, type CheckPlace } from './taskChecks.js';

export interface StudioChecksParts {
  db: Db;
  board: TaskBoard;
  agents: Pick<AgentRegistry, 'get'>;
  workspaces: Pick<Workspaces, 'gitFor' | 'branchOf'>;
  /** Agents' machines over SSH, when the studio has them. */
  sshLink?: (dest: string) => SshLink;
  /** Where a run gets a worktree of its own when the agent's has another branch checked out. */
  scratchDir: string;
  env: NodeJS.ProcessEnv;
  events: Emitter<StudioEvent>;
  clock: Clock;
  logger: Logger;
}

export function studioChecks(parts: StudioChecksParts): TaskChecks {
  return new TaskChecks({
    store: new CheckStore(parts.db),
    board: parts.board,
    agents: parts.agents,
    place: checkPlace(parts),
    events: parts.events,
    clock: parts.clock,
    logger: parts.logger,
  });
}

function checkPlace(parts: StudioChecksParts): CheckPlace {
  const local = localCheck(parts.env);
  const repoOf = (agent: Agent) => agent.workspace!.repo;
  return {
    repoKey: (agent) => (agent.ssh ? `${agent.ssh.dest}:${repoOf(agent)}` : repoOf(agent)),
    head: (agent, branch) => revParse(parts.workspaces.gitFor(agent).git, repoOf(agent), branch),
    async run(agent, branch, head, command, timeoutMs, signal) {
      const ws = agent.workspace!;
      // In place only when the worktree is that commit exactly: uncommitted work could pass a
      // check the commit that merges would fail.
      const inWorktree =
        (await parts.workspaces.branchOf(agent)) === branch && (await cleanAt(parts, agent, head));
      if (agent.ssh) {
        if (!parts.sshLink) return failed('the studio has no SSH links here');
        if (!inWorktree)
          return failed(`${agent.name}'s worktree there has another branch checked out than ${branch}`);
        return remoteCheck(parts.sshLink, agent.ssh.dest)({ cwd: ws.path, command, timeoutMs });
      }
      if (inWorktree) return local({ cwd: ws.path, command, timeoutMs, ...(signal ? { signal } : {}) });
      // The agent moved on to other work: the branch is checked out for the run alone, at its commit.
      const git = parts.workspaces.gitFor(agent).git;
      const dir = join(parts.scratchDir, `checks-${agent.name}-${head.slice(0, 12)}`);
      mkdirSync(parts.scratchDir, { recursive: true, mode: 0o700 });
      rmSync(dir, { recursive: true, force: true });
      // --force: a run the studio's close cut short leaves its worktree registered.
      await git(ws.repo, ['worktree', 'add', '--force', '--detach', dir, head]);
      try {
        return await local({ cwd: dir, command, timeoutMs, ...(signal ? { signal } : {}) });
      } finally {
        await git(ws.repo, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
      }
    },
  };
}

/**
 * The repository a folder the person names is in (its main checkout), as checks key it; `host:folder`
 * names one on an agent's machine as it is.
 */
export function checkRepoKey(check: (folder: string) => Promise<FolderCheck>) {
  return async (folder: string): Promise<string> => {
    if (isRemoteRepo(folder)) return folder;
    const found = await check(folder);
    if (!found.repo)
      throw new StudioError(
        'invalid',
        `${found.path} is not in a git repository: checks run on task branches of one.`,
      );
    return found.repo.root;
  };
}

/** The agent's worktree has `head` checked out and nothing changed or added beside it. */
async function cleanAt(parts: StudioChecksParts, agent: Agent, head: string): Promise<boolean> {
  const ws = agent.workspace!;
  const git = worktreeGit(parts.workspaces.gitFor(agent).git, ws);
  const [at, status] = await Promise.all([
    git(ws.path, ['rev-parse', 'HEAD']),
    git(ws.path, ['status', '--porcelain']),
  ]);
  return at.stdout.trim() === head && !status.stdout.trim();
}

function failed(error: string): CheckOutcome {
  return { exitCode: null, timedOut: false, tail: [], error };
}
