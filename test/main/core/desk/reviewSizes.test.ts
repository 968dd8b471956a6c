// The review sizes the queue shows, over stand-in counts: counted when a task reaches review, again
// when its agent's worktree changes (one count at a time per task, one more if asked meanwhile),
// dropped when it leaves review, and nothing settles or starts once the desk has ended.
import { describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../../main/contract/events.js';
import type { ChangeCounts, Task, TaskEvent, WorkspaceChanges } from '../../../../main/contract/model.js';
import { ReviewSizes } from '../../../../main/core/desk/reviewSizes.js';
import { Emitter } from '../../../../main/core/util/emitter.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { makeAgent, makeTask } from '../../../support/modelFixtures.js';

const bob = makeAgent({
  id: 1,
  name: 'bob',
  workspace: { repo: '/r', path: '/w', branch: 'b', base: 'main', gitDir: '/r/.git/worktrees/bob' },
});

function setup() {
  const events = new Emitter<StudioEvent>();
  let tasks: Task[] = [];
  const asked: Array<{ resolve(c: ChangeCounts): void }> = [];
  let changed = 0;
  const sizes = new ReviewSizes({
    board: { list: () => tasks.filter((t) => t.status === 'review') },
    agents: { get: (n) => (n === 'bob' ? bob : undefined) },
    counts: () => new Promise<ChangeCounts>((resolve) => asked.push({ resolve })),
    events,
    onChange: () => void changed++,
    logger: silentLogger,
  });
  const move = (task: Task, fromStatus: Task['status']) => {
    tasks = [...tasks.filter((t) => t.id !== task.id), task];
    events.fire({ type: 'task.updated', task, event: { fromStatus } as TaskEvent });
  };
  const worktreeChanged = () =>
    events.fire({ type: 'workspace.changed', agentId: 1, changes: { agent: 'bob' } as WorkspaceChanges });
  const settle = async (c: ChangeCounts) => {
    asked.shift()!.resolve(c);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { sizes, move, worktreeChanged, settle, asked, changed: () => changed };
}

const task = makeTask({ id: 7, assignee: 'bob', branch: 'ccstudio/bob/task-7', status: 'review' });

describe('ReviewSizes', () => {
  it('counts a task reaching review, and again, once, when its worktree changes meanwhile', async () => {
    const s = setup();
    s.move(task, 'in_progress');
    expect(s.asked).toHaveLength(1);
    s.worktreeChanged();
    s.worktreeChanged();
    // One count at a time: the two changes meanwhile make one more count after it.
    expect(s.asked).toHaveLength(1);
    await s.settle({ files: 1, added: 2, removed: 0 });
    expect(s.sizes.size(7)).toEqual({ files: 1, added: 2, removed: 0 });
    expect(s.changed()).toBe(1);
    expect(s.asked).toHaveLength(1);
    await s.settle({ files: 1, added: 2, removed: 0 });
    // The same count again: nothing to redraw.
    expect(s.changed()).toBe(1);
  });

  it('drops a task that leaves review, and a count that lands after it left', async () => {
    const s = setup();
    s.move(task, 'in_progress');
    s.move({ ...task, status: 'done' }, 'review');
    await s.settle({ files: 3, added: 1, removed: 1 });
    expect(s.sizes.size(7)).toBeUndefined();
    expect(s.changed()).toBe(0);
  });

  it('settles nothing and starts nothing once ended', async () => {
    const s = setup();
    s.move(task, 'in_progress');
    s.worktreeChanged();
    s.sizes.dispose();
    await s.settle({ files: 1, added: 1, removed: 0 });
    expect(s.sizes.size(7)).toBeUndefined();
    expect(s.asked).toHaveLength(0);
    expect(s.changed()).toBe(0);
  });
});
