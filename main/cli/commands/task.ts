// `ccstudio task ...`: the tasks the person gives the team, and review of their branches.
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../../contract/model.js';
import type { CommandSpec, CommandTree } from '../kit/commandKit.js';
import { formatCheck, formatComment, formatTasks } from '../kit/format.js';
import { json, out, warn } from '../kit/io.js';
import { printableBlock, printableLine } from '../kit/printable.js';
import { withHint, type CommandContext } from '../kit/studioAccess.js';
import { noMore, oneOf, taskIdArg, unknownSub, usageError } from '../kit/usage.js';
import { MERGE_OPTIONS, workCommand } from './work.js';

const JSON_OUT = { name: 'json', help: 'print JSON' } as const;

/** task's subcommands: what each takes, its help and examples. */
const TASK_SUBCOMMANDS: CommandSpec[] = [
  {
    name: 'add',
    args: '[title...]',
    summary: 'Create a task, for an agent or for whoever takes it.',
    options: [
      { name: 'body', value: 'B', help: 'what the task is, in full' },
      { name: 'to', value: 'NAME', help: 'the agent it is for' },
      { name: 'priority', value: 'P', help: 'low, normal, high or urgent' },
      JSON_OUT,
    ],
    examples: ['ccstudio task add "Fix the login bug" --to agent-1 --priority high'],
  },
  {
    name: 'list',
    summary: 'List the tasks.',
    options: [
      { name: 'status', value: 'S', help: 'only tasks with this status' },
      { name: 'assignee', value: 'NAME', help: "only this agent's tasks" },
      JSON_OUT,
    ],
    examples: ['ccstudio task list --status review'],
  },
  {
    name: 'show',
    args: '[id]',
    summary: 'Show a task and its history.',
    options: [JSON_OUT],
    examples: ['ccstudio task show 3'],
  },
  {
    name: 'update',
    args: '[id]',
    summary: "Change a task's status, assignee or result, with a note.",
    options: [
      { name: 'status', value: 'S', help: 'its new status' },
      { name: 'to', value: 'NAME', help: 'give it to this agent' },
      { name: 'result', value: 'R', help: 'what came of it' },
      { name: 'note', value: 'N', help: 'a note in its history' },
      JSON_OUT,
    ],
    examples: ['ccstudio task update 3 --status done --result "Merged"'],
  },
  {
    name: 'diff',
    args: '[id]',
    summary: "Show a task's branch against its base, or what changed since you last sent it back.",
    options: [{ name: 'since-review', help: 'only what changed since you last sent it back' }],
    examples: ['ccstudio task diff 3', 'ccstudio task diff 3 --since-review'],
  },
  {
    name: 'merge',
    args: '[id]',
    summary: "Merge a task's branch into its base; the task is then done.",
    options: MERGE_OPTIONS,
    examples: ['ccstudio task merge 3 --dry-run', 'ccstudio task merge 3 --ff'],
  },
  {
    name: 'comment',
    args: '[id] [place] [text...]',
    summary: "Comment on a line of a task's diff (sent with the task when you send it back).",
    options: [JSON_OUT],
    examples: ['ccstudio task comment 3 src/app.ts:42 "This leaks the handle on error."'],
  },
  {
    name: 'comments',
    args: '[id]',
    summary: "A task's line comments: pending, open, answered or outdated.",
    options: [JSON_OUT],
    examples: ['ccstudio task comments 3'],
  },
  {
    name: 'back',
    args: '[id]',
    summary: 'Send a task back to its agent with a note and your pending line comments.',
    options: [{ name: 'note', value: 'N', help: 'what to change' }],
    examples: ['ccstudio task back 3 --note "The tests still fail on Windows."', 'ccstudio task back 3'],
  },
  {
    name: 'pr',
    args: '[id]',
    summary: "Open a pull request for a task's branch.",
    examples: ['ccstudio task pr 3'],
  },
  {
    name: 'checks',
    args: '[id]',
    summary: "Show a task's check (passed, failed with its last lines, running, stale), or run it again.",
    options: [{ name: 'run', help: 'run it now (again)' }, JSON_OUT],
    examples: ['ccstudio task checks 3', 'ccstudio task checks 3 --run'],
  },
];

export function taskCommands(tree: CommandTree): void {
  const task = tree.command(
    tree.root,
    {
      name: 'task',
      args: '[subcommand]',
      summary: 'Tasks: add, list, show, update, diff, merge, back, pr, checks.',
    },
    async (_values, words) => {
      throw unknownSub('task', words[0]);
    },
  );
  for (const spec of TASK_SUBCOMMANDS) tree.studioCommand(task, spec, (ctx) => taskCommand(spec.name, ctx));
}

/** `task comment ID FILE:LINE TEXT` adds one; `task comments ID` lists them with their states. */
async function commentCommand(
  sub: 'comment' | 'comments',
  values: CommandContext['values'],
  rest: string[],
  service: CommandContext['service'],
): Promise<number> {
  const id = taskIdArg(rest[0], sub);
  if (sub === 'comments') {
    noMore(rest.slice(1), 'task', sub);
    const comments = await service.taskComments(id);
    if (values.json) json(comments);
    else if (!comments.length) out(`Task #${id} has no line comments.`);
    else for (const c of comments) out(formatComment(c));
    return 0;
  }
  const place = /^(.+):(\d+)$/.exec(rest[1] ?? '');
  const text = rest.slice(2).join(' ').trim();
  if (!place || !text) throw usageError('Name the line as FILE:LINE, then the comment.', 'task', 'comment');
  const comment = await service.addComment({ taskId: id, file: place[1]!, line: Number(place[2]), text });
  if (values.json) json(comment);
  else
    out(
      `Comment #${comment.id} on ${comment.file}:${comment.line}; it goes to the agent when you send task #${id} back.`,
    );
  return 0;
}

/** `ccstudio task add|list|show|update`. */
async function taskCommand(
  sub: string,
  { values, words: rest, service, running }: CommandContext,
): Promise<number> {
  if (sub === 'add') {
    const title = rest.join(' ');
    if (!title) throw usageError('Give the task a title.', 'task', 'add');
    const priority = oneOf<TaskPriority>('priority', values.priority, TASK_PRIORITIES);
    const task = await service.createTask({
      title,
      ...(values.body !== undefined ? { body: values.body } : {}),
      ...(values.to !== undefined ? { assignee: values.to } : {}),
      ...(priority ? { priority } : {}),
    });
    if (values.json) json(task);
    else out(`Created task #${task.id} (${task.status}${task.assignee ? `, ${task.assignee}` : ''}).`);
    if (task.warning && !values.json) warn(await withHint(task.warning, service, running, task.assignee));
    return 0;
  }
  if (sub === 'list') {
    noMore(rest, 'task', 'list');
    const status = oneOf<TaskStatus>('status', values.status, TASK_STATUSES);
    const tasks = await service.listTasks({
      ...(status ? { status } : {}),
      ...(values.assignee ? { assignee: values.assignee } : {}),
    });
    if (values.json) json(tasks);
    else out(formatTasks(tasks));
    return 0;
  }
  if (sub === 'show') {
    const id = taskIdArg(rest[0], 'show');
    noMore(rest.slice(1), 'task', 'show');
    const task = await service.getTask(id);
    if (values.json) json(task);
    else {
      out(formatTasks([task]));
      if (task.body) out(`\n    ${printableBlock(task.body)}`);
      if (task.result) out(`\nResult:\n    ${printableBlock(task.result)}`);
      out('\nHistory:');
      for (const e of task.events)
        out(
          `  ${new Date(e.createdAt).toISOString()} ${e.actor} ${e.kind}${e.toStatus ? ` → ${e.toStatus}` : ''}${e.note ? `: ${printableLine(e.note)}` : ''}`,
        );
    }
    return 0;
  }
  if (sub === 'update') {
    const id = taskIdArg(rest[0], 'update');
    noMore(rest.slice(1), 'task', 'update');
    const status = oneOf<TaskStatus>('status', values.status, TASK_STATUSES);
    const task = await service.updateTask({
      id,
      ...(status ? { status } : {}),
      ...(values.to !== undefined ? { assignee: values.to } : {}),
      ...(values.result !== undefined ? { result: values.result } : {}),
      ...(values.note !== undefined ? { note: values.note } : {}),
    });
    if (values.json) json(task);
    else out(`Task #${task.id} is ${task.status}${task.assignee ? ` (${task.assignee})` : ''}.`);
    if (task.warning && !values.json) warn(await withHint(task.warning, service, running, task.assignee));
    return 0;
  }
  if (sub === 'diff' || sub === 'merge' || sub === 'pr') {
    const id = taskIdArg(rest[0], sub);
    noMore(rest.slice(1), 'task', sub);
    return workCommand(
      sub,
      { taskId: id, ...(values['since-review'] ? { sinceReview: true } : {}) },
      values,
      service,
    );
  }
  if (sub === 'comment' || sub === 'comments') return commentCommand(sub, values, rest, service);
  if (sub === 'checks') {
    const id = taskIdArg(rest[0], 'checks');
    noMore(rest.slice(1), 'task', 'checks');
    const status = await service.taskChecks({ taskId: id, ...(values.run ? { run: true } : {}) });
    if (values.json) json(status);
    else out(formatCheck(status));
    return status.state === 'failed' ? 1 : 0;
  }
  if (sub === 'back') {
    const id = taskIdArg(rest[0], 'back');
    noMore(rest.slice(1), 'task', 'back');
    const pending = (await service.taskComments(id)).filter((c) => c.state === 'pending').length;
    const task = await service.sendBack({ taskId: id, ...(values.note ? { note: values.note } : {}) });
    const what = [
      values.note ? 'your note' : '',
      pending ? `${pending} comment${pending === 1 ? '' : 's'}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    out(`Task #${task.id} went back to ${task.assignee} (${task.status}), with ${what} as mail.`);
    return 0;
  }
  throw unknownSub('task', sub);
}
