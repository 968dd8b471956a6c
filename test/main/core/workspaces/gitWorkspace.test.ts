import { describe, expect, it } from 'vitest';
import {
  agentBranch,
  defaultWorktreeParent,
  nameFiles,
  taskBranch,
} from '../../../../main/core/workspaces/gitWorkspace.js';

// The names the studio gives: branches git accepts, readable in `git branch` and a pull request.
describe('workspace names', () => {
  it('makes task branches from the id and the title’s words', () => {
    expect(taskBranch(3, 'Fix the login page!')).toBe('task/3-fix-the-login-page');
    expect(taskBranch(12, '  Über-cool  ÉLAN  ')).toBe('task/12-uber-cool-elan');
    expect(taskBranch(7, '!!!')).toBe('task/7');
    expect(taskBranch(1, 'a'.repeat(80))).toBe(`task/1-${'a'.repeat(40)}`);
    expect(taskBranch(1, 'word '.repeat(20))).not.toMatch(/-$/);
  });

  it('makes an agent branch git accepts from any agent name', () => {
    expect(agentBranch('bob')).toBe('ccstudio/bob');
    expect(agentBranch('a..b')).toBe('ccstudio/a-b');
    expect(agentBranch('x.')).toBe('ccstudio/x-');
    expect(agentBranch('my.lock')).toBe('ccstudio/my-lock');
  });

  it('puts worktrees beside the repository, and names a few files at most', () => {
    expect(defaultWorktreeParent('/home/me/project')).toBe('/home/me/project-worktrees');
    const files = Array.from({ length: 15 }, (_, i) => `f${i}`);
    expect(nameFiles(files.slice(0, 2))).toBe('f0, f1');
    expect(nameFiles(files)).toBe(`${files.slice(0, 12).join(', ')} and 3 more`);
  });
});
