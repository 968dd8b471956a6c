// What the window's review dialog and the board's cards show of an agent's work: its worktree's
// changes, and a card's only while the assignee's worktree has the card's branch checked out.
import { describe, expect, it } from 'vitest';
import type { WorkspaceChanges } from '../../main/contract/model.js';
import { reviewOf } from '../../renderer/src/app/dialog.js';
import { taskChanges, type AgentView, type StudioState } from '../../renderer/src/state/studioState.js';
import { makeAgent, makeTask } from '../support/modelFixtures.js';

const counts = { files: 1, added: 2, removed: 0 };
const changes = (agent: string, branch: string): WorkspaceChanges => ({
  agent,
  path: `/wt/${agent}`,
  branch,
  base: 'main',
  ahead: 1,
  behind: 0,
  committed: counts,
  uncommitted: { files: 0, added: 0, removed: 0 },
  total: counts,
  files: [],
  filesTruncated: false,
  at: 1,
});
const view = (id: number, name: string): AgentView => ({
  ...makeAgent({ id, name }),
  unread: 0,
  openTasks: 0,
});

const state: Pick<StudioState, 'agents' | 'tasks' | 'changes'> = {
  agents: [view(1, 'ann'), view(2, 'bob')],
  tasks: {
    7: makeTask({ id: 7, assignee: 'ann', branch: 'ccstudio/task-7' }),
    8: makeTask({ id: 8, assignee: 'bob', branch: 'ccstudio/task-8' }),
    9: makeTask({ id: 9, assignee: null, branch: null }),
  },
  changes: { 1: changes('ann', 'ccstudio/task-7'), 2: changes('bob', 'ccstudio/bob/work') },
};

describe("an agent's work, on a card and in a review", () => {
  it("a card shows its assignee's changes only while its branch is the one checked out", () => {
    expect(taskChanges(state, state.tasks[7]!)).toBe(state.changes[1]);
    expect(taskChanges(state, state.tasks[8]!)).toBeUndefined();
    expect(taskChanges(state, state.tasks[9]!)).toBeUndefined();
  });

  it("reviews an agent's worktree, or a card's branch with its changes when they are the card's", () => {
    expect(reviewOf({ kind: 'review', agent: 'bob' }, state)).toEqual({
      target: { agent: 'bob' },
      changes: state.changes[2],
    });
    expect(reviewOf({ kind: 'reviewTask', taskId: 7 }, state)).toEqual({
      target: { taskId: 7 },
      task: state.tasks[7],
      changes: state.changes[1],
    });
    expect(reviewOf({ kind: 'reviewTask', taskId: 8 }, state)?.changes).toBeUndefined();
    expect(reviewOf({ kind: 'review', agent: 'ghost' }, state)).toEqual({
      target: { agent: 'ghost' },
      changes: undefined,
    });
    expect(reviewOf({ kind: 'tabs' }, state)).toBeNull();
    expect(reviewOf(null, state)).toBeNull();
  });
});
