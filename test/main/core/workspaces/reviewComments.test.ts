// Line comments on a task's diff against a real repository: made on the branch as it is, sent back
// with the task as one mail that names each file and line with the lines around it, and shown at
// the next review as open, answered or outdated, with the diff since that review.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { commitFiles, makeRepo } from '../../../support/gitRepo.js';
import { tempDir } from '../../../support/studioHarness.js';

let studio: StudioWithParts | undefined;
afterEach(async () => {
  await studio?.close();
  studio = undefined;
});

const APP = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'].join('\n') + '\n';

async function setup() {
  const repo = makeRepo(join(tempDir('ccstudio-comments-'), 'project'), { 'src/app.txt': APP });
  studio = createStudioWithParts({ databaseFile: ':memory:', teamCwd: repo, watchTree: null });
  const s = studio;
  await s.service.addAgent({ name: 'bob', cwd: repo, worktree: {} });
  const task = await s.service.createTask({ title: 'Tidy the app', assignee: 'bob' });
  const wt = s.agents.require('bob').workspace!.path;
  commitFiles(wt, { 'src/app.txt': APP.replace('five', 'FIVE'), 'src/new.txt': 'fresh\n' }, 'tidy');
  await s.service.updateTask({ id: task.id, status: 'review' });
  const mailTo = () =>
    s.bus
      .inbox(s.agents.require('bob'))
      .items.filter((m) => m.taskId === task.id)
      .at(-1)?.body ?? '';
  return { s, task, wt, mailTo };
}

describe('line comments', () => {
  it('are sent back as one mail naming file, line and the lines around it; the task goes back to in progress', async () => {
    const { s, task, mailTo } = await setup();
    const c = await s.service.addComment({
      taskId: task.id,
      file: 'src/app.txt',
      line: 5,
      text: 'Why upper case?',
    });
    expect(c).toMatchObject({ file: 'src/app.txt', line: 5, state: 'pending', sentAt: null });
    expect(c.context.map((l) => l.text)).toEqual(['two', 'three', 'four', 'FIVE', 'six', 'seven', 'eight']);
    await s.service.addComment({ taskId: task.id, file: 'src/new.txt', line: 1, text: 'Needs a header.' });
    await expect(
      s.service.addComment({ taskId: task.id, file: 'src/app.txt', line: 99, text: 'x' }),
    ).rejects.toThrow('src/app.txt has 8 lines on the branch; there is no line 99.');
    await expect(
      s.service.addComment({ taskId: task.id, file: 'nope.txt', line: 1, text: 'x' }),
    ).rejects.toThrow('nope.txt is not on task');

    const back = await s.service.sendBack({ taskId: task.id });
    expect(back.status).toBe('in_progress');
    const mail = mailTo();
    expect(mail).toContain(`Task #${task.id} "Tidy the app" came back from review.`);
    expect(mail).toContain(
      [
        'src/app.txt:5',
        '  2 | two',
        '  3 | three',
        '  4 | four',
        '> 5 | FIVE',
        '  6 | six',
        '  7 | seven',
        '  8 | eight',
        '  Why upper case?',
      ].join('\n'),
    );
    expect(mail).toContain(['src/new.txt:1', '> 1 | fresh', '  Needs a header.'].join('\n'));
    expect((await s.service.taskComments(task.id)).map((x) => x.state)).toEqual(['open', 'open']);
    // Nothing left to send: a send-back needs a note or new comments.
    await s.service.updateTask({ id: task.id, status: 'review' });
    await expect(s.service.sendBack({ taskId: task.id })).rejects.toThrow('Say what to change');
  });

  it('show at the next review as answered (a note from the agent) or outdated (the line changed), with the diff since', async () => {
    const { s, task, wt } = await setup();
    await s.service.addComment({ taskId: task.id, file: 'src/app.txt', line: 5, text: 'Why upper case?' });
    await s.service.addComment({ taskId: task.id, file: 'src/app.txt', line: 2, text: 'Keep this.' });
    await s.service.sendBack({ taskId: task.id, note: 'A few things.' });
    commitFiles(wt, { 'src/app.txt': APP.replace('five', 'Five') }, 'lower it');
    const bob = s.agents.require('bob');
    s.board.update(bob, { id: task.id, status: 'review', note: 'Kept line 2 as it is.' });
    const comments = await s.service.taskComments(task.id);
    expect(comments.map((c) => [c.line, c.state])).toEqual([
      [5, 'outdated'],
      [2, 'answered'],
    ]);
    expect(comments[1]!.answer).toBe('Kept line 2 as it is.');
    const since = await s.service.workDiff({ taskId: task.id, sinceReview: true });
    expect(since.patch).toContain('-FIVE');
    expect(since.patch).toContain('+Five');
    expect(since.patch).not.toContain('src/new.txt');
    const whole = await s.service.workDiff({ taskId: task.id });
    expect(whole.patch).toContain('src/new.txt');
  });
});
