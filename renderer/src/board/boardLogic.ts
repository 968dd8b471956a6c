// The board's rules, pure so they are tested without a browser: which column a task sits in,
// its order there, and what a drop means.
import {
  TASK_STATUSES,
  type Agent,
  type Task,
  type TaskPriority,
  type TaskStatus,
} from '../../../main/contract/model.js';
import type { UpdateTaskInput } from '../../../main/contract/service.js';

export const COLUMN_LABELS: Record<TaskStatus, string> = {
  backlog: 'Backlog',
  assigned: 'Assigned',
  in_progress: 'In progress',
  blocked: 'Blocked',
  review: 'Review',
  done: 'Done',
};

const PRIORITY_RANK: Record<TaskPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** Tasks by column: most urgent first, then most recently touched. */
export function groupByColumn(tasks: Iterable<Task>): Record<TaskStatus, Task[]> {
  const columns = Object.fromEntries(TASK_STATUSES.map((s) => [s, [] as Task[]])) as Record<
    TaskStatus,
    Task[]
  >;
  for (const t of tasks) columns[t.status].push(t);
  for (const s of TASK_STATUSES) {
    columns[s].sort(
      (a, b) =>
        PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || b.updatedAt - a.updatedAt || b.id - a.id,
    );
  }
  return columns;
}

/** Drag ids: cards are `task:<id>`; targets are `column:<status>` and `agent:<name>`. */
export const cardId = (id: number) => `task:${id}`;
export const columnId = (status: TaskStatus) => `column:${status}`;
export const agentTargetId = (name: string) => `agent:${name}`;

export type DropTarget = { kind: 'column'; status: TaskStatus } | { kind: 'agent'; name: string };

export function parseTarget(id: string | number | null | undefined): DropTarget | null {
  if (typeof id !== 'string') return null;
  const [kind, ...rest] = id.split(':');
  const value = rest.join(':');
  if (kind === 'column' && (TASK_STATUSES as readonly string[]).includes(value))
    return { kind: 'column', status: value as TaskStatus };
  if (kind === 'agent' && value) return { kind: 'agent', name: value };
  return null;
}

export function parseCard(id: string | number | null | undefined): number | null {
  const m = typeof id === 'string' ? /^task:([1-9]\d{0,14})$/.exec(id) : null;
  return m ? Number(m[1]) : null;
}

export type DropPlan =
  | { kind: 'none' }
  | { kind: 'update'; input: UpdateTaskInput; describe: string }
  /** Dropped on the agent that already has it: nudge it instead of changing anything. */
  | { kind: 'kick'; agent: string; describe: string }
  | { kind: 'refuse'; reason: string };

/** What dropping `task` on `target` does; the studio still checks every rule again. */
export function planDrop(task: Task, target: DropTarget, agents: readonly Agent[]): DropPlan {
  if (target.kind === 'agent') {
    const agent = agents.find((a) => a.name === target.name);
    if (!agent) return { kind: 'refuse', reason: `There is no agent named ${target.name}.` };
    if (agent.kind !== 'agent') return { kind: 'refuse', reason: 'Tasks go to agents.' };
    const open = task.status !== 'done' && task.status !== 'backlog';
    if (task.assignee === agent.name && open) {
      return { kind: 'kick', agent: agent.name, describe: `Reminded ${agent.name} of #${task.id}` };
    }
    return {
      kind: 'update',
      input: { id: task.id, assignee: agent.name, status: 'assigned' },
      describe: `Dispatched #${task.id} to ${agent.name}`,
    };
  }
  const status = target.status;
  if (status === task.status) return { kind: 'none' };
  if (status !== 'backlog' && status !== 'done' && !task.assignee) {
    return {
      kind: 'refuse',
      reason: `#${task.id} has nobody on it: drop it on an agent's tile to dispatch it first.`,
    };
  }
  return {
    kind: 'update',
    input: { id: task.id, status },
    describe: `Moved #${task.id} to ${COLUMN_LABELS[status]}`,
  };
}

/** "3, 7,#9" -> [3, 7, 9]; anything else is an error the form shows. */
export function parseBlockers(text: string): { ok: true; ids: number[] } | { ok: false; error: string } {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.replace(/^#/, ''))
    .filter(Boolean);
  const ids: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d+$/.test(p) || !Number.isSafeInteger(n) || n <= 0)
      return { ok: false, error: `"${p}" is not a task number.` };
    if (!ids.includes(n)) ids.push(n);
  }
  return { ok: true, ids };
}
