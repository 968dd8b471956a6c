// Which dialog the window has open (one at a time), and what a review shows. Pure: tested in
// test/renderer/dialog.test.ts.
import type { TaskDetail } from '../../../main/contract/model.js';
import { agentNamed, type StudioState } from '../state/studioState.js';

export type Dialog =
  | { kind: 'addAgent' }
  | { kind: 'newTask' }
  | { kind: 'editTask'; task: TaskDetail }
  | { kind: 'task'; id: number }
  | { kind: 'review'; agent: string }
  | { kind: 'reviewTask'; taskId: number }
  | { kind: 'removeAgent'; name: string }
  | { kind: 'notifications' }
  | { kind: 'tabs' }
  /** What each agent costs: memory and tokens, now and over the last hours. */
  | { kind: 'resources' }
  /** What waits for the person; `focus` selects one item (a notice's link names it). */
  | { kind: 'queue'; focus?: string }
  | null;

/** The address part that opens the queue (at one item): `#queue`, `#queue=p12`. */
export const QUEUE_HASH = '#queue';

/** The dialog a page address asks for: the queue, from a notice's link; else none. */
export function dialogFromHash(hash: string): Dialog {
  if (hash !== QUEUE_HASH && !hash.startsWith(`${QUEUE_HASH}=`)) return null;
  const focus = hash.slice(QUEUE_HASH.length + 1);
  // An item's id (p12), or an agent's first item (@bob): a notice names the agent.
  return {
    kind: 'queue',
    ...(/^([a-z]\d+|@[\w.-]+)$/.test(focus) ? { focus: decodeURIComponent(focus) } : {}),
  };
}

/** What a review shows: an agent's worktree, or a card's branch while its assignee's worktree has it. */
export function reviewOf(dialog: Dialog, state: Pick<StudioState, 'agents' | 'tasks' | 'changes'>) {
  if (dialog?.kind === 'review') {
    const agent = agentNamed(state, dialog.agent);
    return { target: { agent: dialog.agent }, changes: agent ? state.changes[agent.id] : undefined };
  }
  if (dialog?.kind === 'reviewTask') {
    const task = state.tasks[dialog.taskId];
    const agent = agentNamed(state, task?.assignee);
    const changes = agent ? state.changes[agent.id] : undefined;
    // The agent's changes speak for the task only while its worktree has the task's branch.
    return {
      target: { taskId: dialog.taskId },
      task,
      changes: changes && changes.branch === task?.branch ? changes : undefined,
    };
  }
  return null;
}
