import { describe, expect, it } from 'vitest';
import type { MessageType } from '../../../../main/contract/model.js';
import { sanitizeForTerminal } from '../../../../main/core/util/sanitize.js';
import { composeWakePrompt } from '../../../../main/core/wake/wakePrompt.js';

const msg = (from: string, type: MessageType = 'text', taskId: number | null = null) => ({
  from,
  type,
  taskId,
});

describe('composeWakePrompt', () => {
  it('names the sender of one message', () => {
    expect(composeWakePrompt([msg('alice')])).toBe(
      '[studio] You have 1 new message from alice. Call check_inbox now and act on it.',
    );
  });

  it('counts messages and names each sender once, in order', () => {
    expect(composeWakePrompt([msg('bob'), msg('carol'), msg('bob'), msg('alice')])).toBe(
      '[studio] You have 4 new messages from bob, carol, alice. Call check_inbox now and act on them.',
    );
  });

  it('names at most four senders', () => {
    const from = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => msg(n));
    expect(composeWakePrompt(from)).toBe(
      '[studio] You have 6 new messages from a, b, c, d and 2 others. Call check_inbox now and act on them.',
    );
  });

  it('announces tasks with their ids, before other mail', () => {
    expect(composeWakePrompt([msg('lead', 'task', 7)])).toBe(
      '[studio] You have a new task (#7) from lead. Call check_inbox now and act on it.',
    );
    expect(composeWakePrompt([msg('bob'), msg('lead', 'task', 7), msg('lead', 'task', 9)])).toBe(
      '[studio] You have 2 new tasks (#7, #9) from lead and 1 new message from bob. Call check_inbox now and act on them.',
    );
  });

  it('counts a task-typed message without a task id as a message', () => {
    expect(composeWakePrompt([msg('lead', 'task', null)])).toBe(
      '[studio] You have 1 new message from lead. Call check_inbox now and act on it.',
    );
  });

  it('is one line the sanitizer leaves alone and never a slash command', () => {
    const prompt = composeWakePrompt([msg('a'), msg('b', 'task', 1), msg('c'), msg('d'), msg('e'), msg('f')]);
    expect(sanitizeForTerminal(prompt)).toBe(prompt);
    expect(prompt.startsWith('[studio] ')).toBe(true);
  });
});
