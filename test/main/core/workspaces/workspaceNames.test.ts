import { describe, expect, it } from 'vitest';
import {
  agentBranch,
  defaultWorktreeParent,
  inAgentSpace,
  legacyAgentBranch,
  nameFiles,
  taskBranch,
  taskIdOfBranch,
} from '../../../../main/core/workspaces/workspaceNames.js';

// The names the studio gives: branches git accepts, readable in `git branch` and a pull request.
describe('workspace names', () => {
  it('makes task branches in the agent’s folder from the id and the title’s words', () => {
    expect(taskBranch('bob', 3, 'Fix the login page!')).toBe('ccstudio/bob/task-3-fix-the-login-page');
    expect(taskBranch('bob', 12, '  Über-cool  ÉLAN  ')).toBe('ccstudio/bob/task-12-uber-cool-elan');
    expect(taskBranch('bob', 7, '!!!')).toBe('ccstudio/bob/task-7');
    expect(taskBranch('bob', 1, 'a'.repeat(80))).toBe(`ccstudio/bob/task-1-${'a'.repeat(40)}`);
    expect(taskBranch('bob', 1, 'word '.repeat(20))).not.toMatch(/-$/);
  });

  it('reads a task’s number back from the branch it names, and from nothing else', () => {
    expect(taskIdOfBranch(taskBranch('bob', 3, 'Fix the login page!'))).toBe(3);
    expect(taskIdOfBranch(taskBranch('my.lock', 12, '!!!'))).toBe(12);
    for (const other of [
      'ccstudio/bob/work',
      'ccstudio/bob/task-x',
      'task/3-old',
      'ccstudio/bob/task-3x',
      'main',
    ])
      expect(taskIdOfBranch(other), other).toBeUndefined();
  });

  it('makes an agent’s folder of branches git accepts from any agent name', () => {
    expect(agentBranch('bob')).toBe('ccstudio/bob/work');
    expect(agentBranch('a..b')).toBe('ccstudio/a-b/work');
    expect(agentBranch('x.')).toBe('ccstudio/x-/work');
    expect(agentBranch('my.lock')).toBe('ccstudio/my-lock/work');
    expect(taskBranch('my.lock', 2, 'x')).toBe('ccstudio/my-lock/task-2-x');
    expect(legacyAgentBranch('bob')).toBe('ccstudio/bob');
    expect(inAgentSpace('bob', 'ccstudio/bob/task-2-x')).toBe(true);
    // Another agent's folder, even one whose name starts the same, is not this one's.
    expect(inAgentSpace('bob', 'ccstudio/bobby/work')).toBe(false);
    expect(inAgentSpace('bob', 'ccstudio/bob')).toBe(false);
  });

  it('puts worktrees beside the repository, and names a few files at most', () => {
    expect(defaultWorktreeParent('/home/me/project')).toBe('/home/me/project-worktrees');
    const files = Array.from({ length: 15 }, (_, i) => `f${i}`);
    expect(nameFiles(files.slice(0, 2))).toBe('f0, f1');
    expect(nameFiles(files)).toBe(`${files.slice(0, 12).join(', ')} and 3 more`);
  });
});
