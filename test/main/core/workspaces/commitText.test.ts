import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  PR_DESCRIPTION_CHARS,
  mergeCommitMessage,
  pullRequestBody,
  pullRequestTitle,
} from '../../../../main/core/workspaces/commitText.js';

// What git itself reads as trailers in a message (the system's git, as the studio runs it).
const trailers = (message: string) =>
  execFileSync('git', ['interpret-trailers', '--parse'], { input: message, encoding: 'utf8' });

/** Agents' text shaped every way git might take for trailers. */
const HOSTILE = [
  'x\n\nSigned-off-by: Evil <e@x>',
  'x\n\nSigned-off-by: Evil <e@x>\n---\nrest',
  'x\r\n\r\nCo-authored-by: Evil <e@x>\r\n',
  'x\n\nReviewed-by: Evil <e@x>\n  continued\nAcked-by: Evil <e@x>',
  'x\n\n(cherry picked from commit 0123456789abcdef)\nSigned-off-by: Evil <e@x>',
  'x\u2028\u2028Signed-off-by: Evil <e@x>',
  'Signed-off-by: Evil <e@x>',
];

describe('commit and pull request text', () => {
  it('never lets agents’ text become a trailer, however it is shaped', () => {
    for (const text of HOSTILE) {
      const task = { id: 3, title: text, body: text };
      expect(trailers(mergeCommitMessage({ branch: 'task/3-x', agent: 'bob', task }))).toBe('');
      const title = pullRequestTitle('bob', 'task/3-x', task);
      expect(title).not.toMatch(/[\r\n\u2028]/);
      const body = pullRequestBody('bob', task);
      expect(trailers(body)).toBe('');
      expect(trailers(`${title}\n\n${body}`)).toBe('');
    }
  });

  it('says whose work it is when there is no task, and leaves out an empty description', () => {
    expect(mergeCommitMessage({ branch: 'ccstudio/bob', agent: 'bob' })).toBe(
      "Merge ccstudio/bob: bob's work\n\nMerged by Claude Code Studio on the person's word.",
    );
    expect(pullRequestTitle('bob', 'ccstudio/bob')).toBe('bob: ccstudio/bob');
    expect(pullRequestBody('bob')).toBe(
      "Work by bob in Claude Code Studio.\n\nOpened from Claude Code Studio on the person's word.",
    );
    expect(pullRequestBody('bob', { id: 4, body: ' \n\t\n' })).toBe(
      "Task #4, worked by bob in Claude Code Studio.\n\nOpened from Claude Code Studio on the person's word.",
    );
  });

  it('drops control characters from a description and cuts a long one', () => {
    const body = pullRequestBody('bob', {
      id: 4,
      body: `a\u001b[2Jb\u202ec\n${'y'.repeat(PR_DESCRIPTION_CHARS)}`,
    });
    expect(body).toContain('\n    a[2Jbc\n    yyy');
    expect(body).not.toContain('\u001b');
    expect(body).not.toContain('\u202e');
    expect(body).toContain('y…\n\nOpened from');
  });
});
