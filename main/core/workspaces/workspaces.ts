// What the studio knows of its agents' worktrees: their changes, kept current and announced
// (workspace.changed), and the operations that change them, one at a time per repository.
import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import type {
  Agent,
  ChangeCounts,
  MergeMode,
  MergeResult,
  Task,
  Workspace,
  WorkspaceChanges,
  WorkspaceDiff,
} from '../../contract/model.js';
import type { TaskWork } from '../board/taskBoard.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';
import {
  checkRemovable,
  createWorktree,
  moveToAgentSpace,
  removeWorktree,
  type CreateWorktree,
} from './agentWorktree.js';
import { checkMerge, mergeBranch, type MergeCheck, type MergeRequest } from './branchMerge.js';
import { checkedOutBranch } from './gitReads.js';
import { repoInfo, type RepoInfo } from './repoAccess.js';
import { prepareTaskBranch } from './taskBranches.js';
import { inAgentSpace } from './workspaceNames.js';
import { branchCounts, workspaceChanges, workspaceDiff } from './worktreeReview.js';
import type { RepoPlace } from './repoPlace.js';
import type { TreeWatch, WatchTree } from './treeWatcher.js';

/** What to merge: the agent's checked-out branch or `branch`, into its base or `into`. */
export interface MergeOptions {
  branch?: string;
  into?: string;
  mode: MergeMode;
  /** The branch's commit the person reviewed: refused if it moved on since. */
  reviewed?: string;
}

/** File events come in bursts (a build, a formatter): one refresh per quiet second. */
const REFRESH_DEBOUNCE_MS = 1000;
/** ...but a file written without pause (a log) still gets the badge read this often. */
const REFRESH_MAX_WAIT_MS = 5000;
/**
 * How long a window's first load waits for changes never read yet: 30 worktrees of a big
 * repository take seconds to read, and the window must not; the rest arrive as workspace.changed.
 */
const FIRST_LOAD_WAIT_MS = 300;

export interface WorkspacesDeps {
  /** This machine's repositories. */
  local: RepoPlace;
  /** A host's, over SSH, for agents on other machines (absent: the studio runs no terminals). */
  remote?: (dest: string) => RepoPlace;
  events: Emitter<StudioEvent>;
  agents: {
    list(): Agent[];
    getById(id: number): Agent | undefined;
    require(name: string): Agent;
    setWorkspace(id: number, workspace: Workspace | null): Agent;
  };
  clock: Clock;
  logger: Logger;
  /**
   * Watches worktrees on this machine for file changes; without it (and on other machines)
   * changes refresh at turn ends and on request.
   */
  watchTree?: WatchTree;
}

export class Workspaces {
  private readonly cache = new Map<number, WorkspaceChanges>();
  private readonly timers = new Map<number, { cancel(): void; deadline: number }>();
  private readonly running = new Map<number, Promise<WorkspaceChanges | null>>();
  private readonly again = new Set<number>();
  private readonly watches = new Map<number, TreeWatch>();
  /** One git operation that moves branches at a time per repository (merges, switches, removals). */
  private readonly repoLocks = new Map<string, Promise<unknown>>();
  private readonly lastState = new Map<number, string>();
  private disposed = false;
  private readonly subscription;

  constructor(private readonly deps: WorkspacesDeps) {
    this.subscription = deps.events.on((event) => this.onEvent(event));
    // Read once at start, so a window that opens finds them (git takes them two at a time).
    for (const a of deps.agents.list()) if (a.workspace) this.schedule(a.id, 0);
  }

  private onEvent(event: StudioEvent): void {
    if (event.type === 'agent.updated' && event.agent.workspace) {
      const { id, state } = event.agent;
      const was = this.lastState.get(id);
      this.lastState.set(id, state);
      // A turn ended (the Stop hook, or the screen settled): what it did is worth showing now.
      if (state === 'idle' && was !== undefined && was !== 'idle') this.schedule(id, 0);
      if (!this.watches.has(id) && state !== 'exited') void this.watch(event.agent);
    } else if (event.type === 'agent.removed') {
      this.forget(event.agentId);
    }
  }

  /** Where a folder's repository is, and its branches (the Add agent dialog's base choice). */
  repoInfo(folder: string, ssh?: string): Promise<RepoInfo> {
    return repoInfo(this.place(ssh), folder);
  }

  /** This machine, or the host an agent's `ssh` destination names: where git runs for it. */
  private place(ssh: string | undefined): RepoPlace {
    if (!ssh) return this.deps.local;
    if (!this.deps.remote)
      throw new StudioError('unavailable', 'This studio runs no agents on other machines.');
    return this.deps.remote(ssh);
  }

  private placeOf(agent: Agent): RepoPlace {
    return this.place(agent.ssh?.dest);
  }

  /** The key of one repository's lock: its folder, on its host. */
  private repoKey(place: RepoPlace, repo: string): string {
    return `${place.host}\0${repo}`;
  }

  /**
   * Makes an agent's worktree (before the agent exists), or takes up one an agent of that name
   * left (`created` false: not the caller's to take back if the add fails). `ssh`: on that host.
   */
  create(input: CreateWorktree, ssh?: string): Promise<{ workspace: Workspace; created: boolean }> {
    const place = this.place(ssh);
    return this.locked(this.repoKey(place, input.folder), () => createWorktree(place, input));
  }

  private workspaceOf(agent: Agent): Workspace {
    if (!agent.workspace)
      throw new StudioError(
        'invalid',
        `${agent.name} works in a plain folder, not a worktree of its own: there is no branch to compare or merge. Add a worktree agent with --worktree.`,
      );
    return agent.workspace;
  }

  /** The agent's changes, read now. */
  async changes(agent: Agent): Promise<WorkspaceChanges> {
    this.workspaceOf(agent);
    const fresh = await this.refresh(agent.id, true);
    if (!fresh) throw new StudioError('not_found', `${agent.name} no longer exists.`);
    if (fresh.error) throw new StudioError('unavailable', fresh.error);
    return fresh;
  }

  /**
   * Every worktree agent's changes as last read; those never read are read now, for a moment
   * (FIRST_LOAD_WAIT_MS): what is not read by then is announced when it is.
   */
  async all(): Promise<WorkspaceChanges[]> {
    const agents = this.deps.agents.list().filter((a) => a.workspace);
    const missing = agents.filter((a) => !this.cache.has(a.id)).map((a) => this.refresh(a.id, false));
    if (missing.length) {
      let timer: { cancel(): void } | undefined;
      await Promise.race([
        Promise.all(missing),
        new Promise<void>((done) => (timer = this.deps.clock.setTimeout(done, FIRST_LOAD_WAIT_MS))),
      ]);
      timer?.cancel();
    }
    for (const a of agents) if (!this.watches.has(a.id) && a.state !== 'exited') void this.watch(a);
    return agents.flatMap((a) => this.cache.get(a.id) ?? []);
  }

  /**
   * Reads the changes again after `delayMs` of quiet, once however often it is asked in between,
   * and no later than REFRESH_MAX_WAIT_MS after the first ask.
   */
  schedule(agentId: number, delayMs = REFRESH_DEBOUNCE_MS): void {
    if (this.disposed) return;
    const now = this.deps.clock.now();
    const pending = this.timers.get(agentId);
    const deadline = pending ? pending.deadline : now + REFRESH_MAX_WAIT_MS;
    pending?.cancel();
    const timer = this.deps.clock.setTimeout(
      () => {
        this.timers.delete(agentId);
        void this.refresh(agentId, false);
      },
      Math.min(now + delayMs, deadline) - now,
    );
    this.timers.set(agentId, { cancel: () => timer.cancel(), deadline });
  }

  /**
   * Reads an agent's changes (one read at a time per agent; a request during a read gets one more
   * read after it) and announces them when they differ from the last.
   */
  private refresh(agentId: number, wait: boolean): Promise<WorkspaceChanges | null> {
    const current = this.running.get(agentId);
    if (current) {
      this.again.add(agentId);
      if (!wait) return current;
      return current.then(() => this.running.get(agentId) ?? this.refresh(agentId, true));
    }
    const run = this.read(agentId).finally(() => {
      this.running.delete(agentId);
      if (this.again.delete(agentId)) void this.refresh(agentId, false);
    });
    this.running.set(agentId, run);
    return run;
  }

  private async read(agentId: number): Promise<WorkspaceChanges | null> {
    const agent = this.deps.agents.getById(agentId);
    if (!agent?.workspace || this.disposed) return null;
    let changes: WorkspaceChanges;
    try {
      changes = await workspaceChanges(
        this.placeOf(agent),
        agent.workspace,
        agent.name,
        this.deps.clock.now(),
      );
    } catch (err) {
      const ws = agent.workspace;
      changes = {
        agent: agent.name,
        path: ws.path,
        branch: '',
        base: ws.base,
        ahead: 0,
        behind: 0,
        committed: { files: 0, added: 0, removed: 0 },
        uncommitted: { files: 0, added: 0, removed: 0 },
        total: { files: 0, added: 0, removed: 0 },
        files: [],
        filesTruncated: false,
        at: this.deps.clock.now(),
        error: (err as Error).message,
      };
    }
    if (this.disposed || !this.deps.agents.getById(agentId)) return null;
    const before = this.cache.get(agentId);
    this.cache.set(agentId, changes);
    if (!before || !sameChanges(before, changes))
      this.deps.events.fire({ type: 'workspace.changed', agentId, changes });
    return changes;
  }

  private async watch(agent: Agent): Promise<void> {
    const { watchTree } = this.deps;
    // One on another machine is read at its turns' ends: no file events cross SSH.
    if (!watchTree || !agent.workspace || agent.ssh || this.disposed || this.watches.has(agent.id)) return;
    // A worktree that is gone: its changes say so; nothing to watch.
    if (!(await this.deps.local.exists(agent.workspace.path)) || this.disposed || this.watches.has(agent.id))
      return;
    let warned = false;
    // Its files, and its git dir (HEAD, index, logs): commits and branch switches show there.
    const watch = watchTree(
      [agent.workspace.path, agent.workspace.gitDir],
      () => this.schedule(agent.id),
      (err) => {
        // Out of inotify watches, most likely: the badge still refreshes at each turn's end.
        if (warned) return;
        warned = true;
        this.deps.logger.warn(`cannot watch ${agent.name}'s worktree for changes`, { err: err.message });
      },
    );
    this.watches.set(agent.id, watch);
  }

  private forget(agentId: number): void {
    this.timers.get(agentId)?.cancel();
    this.timers.delete(agentId);
    this.cache.delete(agentId);
    this.lastState.delete(agentId);
    const w = this.watches.get(agentId);
    this.watches.delete(agentId);
    void w?.close();
  }

  /** The branch the agent's worktree has checked out ('' when detached). */
  branchOf(agent: Agent): Promise<string> {
    return checkedOutBranch(this.placeOf(agent), this.workspaceOf(agent));
  }

  /** A diff of the agent's worktree, or of a task's branch. */
  diff(agent: Agent, branch?: string, since?: string): Promise<WorkspaceDiff> {
    const ws = this.workspaceOf(agent);
    // The badge counts what the review shows: read again now, not at the next turn's end (one on
    // another machine has no file events to refresh it meanwhile).
    void this.refresh(agent.id, false);
    return workspaceDiff(this.placeOf(agent), {
      agent: agent.name,
      ws,
      ...(branch ? { branch } : {}),
      ...(since ? { since } : {}),
    });
  }

  /** What a merge of a task's branch would take, counted (a review item in the queue says it). */
  branchCounts(agent: Agent, branch: string): Promise<ChangeCounts> {
    return branchCounts(this.placeOf(agent), this.workspaceOf(agent), branch);
  }

  /**
   * Merges the agent's branch (or the task's) into its base or `into`; the agent's worktree must
   * have its work committed when that branch is checked out there. A refusal is MergeRefused.
   */
  async merge(
    agent: Agent,
    options: MergeOptions & { message: (branch: string) => string },
  ): Promise<MergeResult> {
    const { place, repo, request } = this.mergeRequest(agent, options);
    const result = await this.locked(this.repoKey(place, repo), async () => {
      const req = await request();
      return mergeBranch(place, { ...req, message: options.message(req.branch) });
    });
    // The base moved: every worktree on it is now ahead or behind by something else.
    for (const a of this.deps.agents.list())
      if (a.workspace?.repo === repo && this.placeOf(a) === place) this.schedule(a.id, 0);
    return result;
  }

  /** What merge would do with the same options, by its own checks, with nothing landed. */
  checkMerge(agent: Agent, options: MergeOptions): Promise<MergeCheck> {
    const { place, repo, request } = this.mergeRequest(agent, options);
    return this.locked(this.repoKey(place, repo), async () => checkMerge(place, await request()));
  }

  /** Where a merge of the agent's work runs, and its request, read when the repository is locked. */
  private mergeRequest(
    agent: Agent,
    options: MergeOptions,
  ): { place: RepoPlace; repo: string; request: () => Promise<MergeRequest> } {
    const ws = this.workspaceOf(agent);
    const place = this.placeOf(agent);
    const sameRepo = (a: Agent) => a.workspace?.repo === ws.repo && this.placeOf(a) === place;
    const request = async (): Promise<MergeRequest> => {
      let branch = options.branch;
      if (!branch) {
        branch = await this.branchOf(agent);
        if (!branch)
          throw new StudioError(
            'invalid',
            `${agent.name}'s worktree has no branch checked out (a detached HEAD).`,
          );
      }
      return {
        repo: ws.repo,
        branch,
        into: options.into ?? ws.base,
        mode: options.mode,
        ...(options.reviewed ? { reviewed: options.reviewed } : {}),
        // Any worktree agent's worktree that has the branch is read through its own git dir.
        worktrees: this.deps.agents.list().flatMap((a) => (a.workspace && sameRepo(a) ? [a.workspace] : [])),
      };
    };
    return { place, repo: ws.repo, request };
  }

  /** Takes back a worktree just made for an agent that could not be added after all (it holds no work). */
  removeUnused(ws: Workspace, ssh?: string): Promise<void> {
    const place = this.place(ssh);
    return this.locked(this.repoKey(place, ws.repo), () => removeWorktree(place, ws, 'the new agent'));
  }

  /** Refuses, naming the files, when removing the agent's worktree would lose work (changes nothing). */
  checkRemovable(agent: Agent): Promise<void> {
    const ws = this.workspaceOf(agent);
    return checkRemovable(this.placeOf(agent), ws, agent.name);
  }

  /** Removes the agent's worktree and merged branches, or refuses naming the work it would lose. */
  async remove(agent: Agent): Promise<void> {
    const ws = this.workspaceOf(agent);
    const place = this.placeOf(agent);
    await this.locked(this.repoKey(place, ws.repo), () => removeWorktree(place, ws, agent.name));
  }

  /** Where git runs for the agent's worktree: for pushes and pull requests. */
  gitFor(agent: Agent): RepoPlace {
    this.workspaceOf(agent);
    return this.placeOf(agent);
  }

  /**
   * Where a task's work happens when a worktree agent takes it: its own branch from the base, to
   * which the worktree is switched when that moves nothing under the agent (see prepareTaskBranch);
   * said in the task's mail either way.
   */
  async taskWork(
    agent: Agent,
    task: Task,
    maySwitch: { ok: true } | { ok: false; why: string },
  ): Promise<TaskWork> {
    // An older studio's ccstudio/<name> is in the way of ccstudio/<name>/task-...: renamed first.
    const ws = this.workspaceOf(await this.moveToAgentSpace(agent));
    const place = this.placeOf(agent);
    const t = await this.locked(this.repoKey(place, ws.repo), () =>
      prepareTaskBranch(place, ws, agent.name, task, maySwitch),
    );
    this.schedule(agent.id, 0);
    const review = `Commit your work there (git add, git commit) before you move the task to review; the person reviews the branch against ${ws.base} and merges it.`;
    if (t.why)
      return {
        branch: t.branch,
        note: `${t.madeFrom ? `The studio made the branch ${t.branch} for this task from ${t.madeFrom}` : `This task's branch is ${t.branch}`}; your worktree ${ws.path} stays where it is because ${t.why}. When you start on this task, commit what you have, then run \`git switch ${t.branch}\`. ${review}`,
      };
    return {
      branch: t.branch,
      note: `Your worktree ${ws.path} is on the branch ${t.branch}, ${t.madeFrom ? `made for this task from ${t.madeFrom}` : "this task's branch"}. ${review}`,
    };
  }

  /**
   * The agent's own branch under its folder of branches (see moveToAgentSpace), saved on the
   * agent when it was renamed: a sandboxed agent may write only that folder's branches.
   */
  async moveToAgentSpace(agent: Agent): Promise<Agent> {
    const ws = this.workspaceOf(agent);
    if (inAgentSpace(agent.name, ws.branch)) return agent;
    const place = this.placeOf(agent);
    const moved = await this.locked(this.repoKey(place, ws.repo), () =>
      moveToAgentSpace(place, ws, agent.name),
    );
    this.deps.logger.info('moved an agent branch into its folder of branches', {
      agent: agent.name,
      from: ws.branch,
      to: moved.branch,
    });
    return this.deps.agents.setWorkspace(agent.id, moved);
  }

  private locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.repoLocks.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.repoLocks.set(key, tail);
    void tail.then(() => {
      if (this.repoLocks.get(key) === tail) this.repoLocks.delete(key);
    });
    return run;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.subscription.dispose();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    await Promise.all([...this.watches.values()].map((w) => w.close().catch(() => undefined)));
    this.watches.clear();
    await Promise.all([...this.running.values()].map((r) => r.catch(() => undefined)));
  }
}

function sameChanges(a: WorkspaceChanges, b: WorkspaceChanges): boolean {
  const { at: _a, ...restA } = a;
  const { at: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}
