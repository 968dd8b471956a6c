// A worktree agent with the real Claude Code CLI (pinned in test/tools) and the scripted model: a
// task dispatched to it arrives on a branch of its own (named in the mail), its Bash tool commits
// there, the changes are read at its turn's end, and the person merges the task into main. Where
// Claude Code's sandbox can run, the agent is sandboxed: its commit must work (the repository's
// git data is writable to it) while the person's checkout and the repository's hooks stay out of
// its reach (a hook it wrote would run outside the sandbox when the studio merges there). The
// pinned Claude Code already keeps .git/hooks read-only and lets a worktree's commits through on
// its own; the studio's settings say both explicitly, for versions that do not.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxUnavailable } from '../../main/core/sessions/sandboxCheck.js';
import { claudeMissingReason, startClaudeCrew, waitFor, type ClaudeCrew } from '../support/claudeHarness.js';
import { gitIn } from '../support/gitRepo.js';
import type { StubReply, StubRequest } from '../support/modelStub.js';
import { skipTitle } from '../support/skipReason.js';

const TIMEOUT = 180_000;
const sandboxed = !sandboxUnavailable(process.env);
let crew: ClaudeCrew | undefined;
afterEach(async () => {
  await crew?.close();
  crew = undefined;
});

/**
 * The agent's Bash command: commit a file, then try to write into the person's checkout and to
 * plant a hook in the repository.
 */
const COMMIT =
  "printf 'hello from wendy\\n' > hello.txt && git add hello.txt && git commit -qm 'wendy commits' && echo COMMITTED; " +
  '(echo mine >> "$(git rev-parse --git-common-dir)/../README.md" && echo CHECKOUT-WRITTEN) 2>&1 || echo CHECKOUT-REFUSED; ' +
  // The person's branch, the repository's HEAD and info, the worktree's pointer back to its repository.
  'C=$(git rev-parse --git-common-dir); for f in refs/heads/main HEAD info/attributes worktrees/wendy/commondir; do ' +
  '(echo x >> "$C/$f" && echo "WROTE $f") 2>/dev/null || echo "REFUSED $f"; done; ' +
  '(echo "touch /tmp/ccstudio-pwned" > "$(git rev-parse --git-common-dir)/hooks/post-merge" && echo HOOK-WRITTEN) 2>&1 || echo HOOK-REFUSED';

/** On a wake: read the inbox, commit with Bash, move the task to review, say done. */
function worktreeScript(): (req: StubRequest) => StubReply {
  let taskId = 0;
  return (req) => {
    const last = req.toolResults.at(-1);
    if (last?.text.startsWith('{"messages"')) {
      taskId = Number(/Task #(\d+)/.exec(last.text)?.[1] ?? 0);
      return { toolUse: { name: 'Bash', input: { command: COMMIT, description: 'Commit the work' } } };
    }
    if (last?.text.includes('COMMITTED') || last?.text.includes('HOOK-')) {
      return { toolUse: { name: 'mcp__studio__update_task', input: { task_id: taskId, status: 'review' } } };
    }
    if (last) return { text: 'Done: committed on my task branch.' };
    if (req.notices.length) return { toolUse: { name: 'mcp__studio__check_inbox', input: {} } };
    return { text: 'Ready.' };
  };
}

const SUITE = skipTitle('a worktree agent with the real CLI', claudeMissingReason);
describe.skipIf(claudeMissingReason)(SUITE, () => {
  it(
    `takes a task on its own branch, commits there${sandboxed ? ' from inside its sandbox (hooks out of reach)' : ''}, and the person merges it`,
    async () => {
      crew = await startClaudeCrew(
        [
          {
            name: 'wendy',
            worktree: true,
            sandbox: sandboxed,
            args: ['--permission-mode', 'acceptEdits', ...(sandboxed ? [] : ['--allowedTools', 'Bash'])],
          },
        ],
        worktreeScript(),
      );
      const c = crew;
      const ws = c.agent('wendy').workspace!;
      expect(ws).toMatchObject({ repo: c.work, branch: 'ccstudio/wendy/work', base: 'main' });
      const task = await c.studio.service.createTask({ title: 'Say hello', assignee: 'wendy' });
      expect(task.branch).toBe(`ccstudio/wendy/task-${task.id}-say-hello`);

      await waitFor(
        'the task in review',
        async () => {
          const live = c.studio.sessions.get(c.agent('wendy').id);
          if (live?.tracker.state === 'waiting_permission') await c.studio.service.sendKeys('wendy', ['1']);
          return c.studio.board.get(task.id).status === 'review';
        },
        120_000,
        250,
      );
      // The mail that woke it named its branch.
      const mail = c
        .requestsFrom('wendy')
        .flatMap((r) => r.toolResults)
        .find((t) => t.text.startsWith('{"messages"'));
      expect(mail?.text).toContain(
        `on the branch ccstudio/wendy/task-${task.id}-say-hello, made for this task from main`,
      );
      const shell = c
        .requestsFrom('wendy')
        .flatMap((r) => r.toolResults)
        .find((t) => t.text.includes('COMMITTED'));
      expect(shell?.text).toContain('COMMITTED');
      expect(gitIn(ws.path, 'log', '-1', '--format=%s %D')).toBe(
        `wendy commits HEAD -> ccstudio/wendy/task-${task.id}-say-hello`,
      );
      if (sandboxed) {
        // Confined to its worktree: the person's checkout is read-only to it, the hooks too.
        expect(shell?.text).toContain('CHECKOUT-REFUSED');
        expect(readFileSync(join(c.work, 'README.md'), 'utf8')).not.toContain('mine');
        expect(shell?.text).toContain('HOOK-REFUSED');
        for (const f of ['refs/heads/main', 'HEAD', 'info/attributes', 'worktrees/wendy/commondir'])
          expect(shell?.text).toContain(`REFUSED ${f}`);
        expect(existsSync(join(c.work, '.git', 'hooks', 'post-merge'))).toBe(false);
      }
      // Read at the turn's end (the Stop hook makes it idle): one committed file, nothing uncommitted.
      await waitFor('wendy idle', () => c.agent('wendy').state === 'idle');
      const changes = await c.studio.service.agentChanges('wendy');
      expect(changes).toMatchObject({
        ahead: 1,
        committed: { files: 1, added: 1 },
        uncommitted: { files: 0 },
      });

      const merged = await c.studio.service.merge({ taskId: task.id });
      expect(merged.files).toEqual(['hello.txt']);
      expect(readFileSync(join(c.work, 'hello.txt'), 'utf8')).toBe('hello from wendy\n');
      expect(c.studio.board.get(task.id).status).toBe('done');
    },
    TIMEOUT,
  );
});
