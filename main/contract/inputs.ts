// The shapes of everything that comes into the studio from another process, defined once as zod
// schemas: StudioService's inputs (UI, CLI) and the argument pieces MCP tools share. TypeScript
// types are derived from them, so a type and its runtime check cannot drift apart.
import { z } from 'zod';
import {
  MAX_AGENT_NAME_CHARS,
  MAX_FIRST_TEAM_AGENTS,
  MAX_BLOCKERS,
  MAX_BRANCH_CHARS,
  MAX_MENU_KEYS,
  MAX_PAGE_ITEMS,
  MAX_PATH_CHARS,
  MAX_PROFILE_ARGS,
  MAX_ROLE_CHARS,
  MAX_ROLE_PROMPT_CHARS,
  MAX_SSH_DEST_CHARS,
  MAX_SUMMARY_CHARS,
  MAX_TOPIC_CHARS,
} from './limits.js';
import { MESSAGE_TYPES, TASK_PRIORITIES, TASK_STATUSES } from './model.js';

// Pieces. Free text (a message, a task's title, body, result and notes) is only typed here: the
// core checks it against MAX_MESSAGE_BYTES, MAX_TITLE_CHARS and the rest with errors that say
// what to do instead ("write it to a file and send its path"), which a schema's "too big" would
// pre-empt. Requests themselves are bounded before parsing (MAX_REQUEST_BYTES).
export const agentName = z.string().min(1).max(MAX_AGENT_NAME_CHARS);
export const topicName = z.string().min(1).max(MAX_TOPIC_CHARS);
export const messageBody = z.string();
export const taskBody = z.string();
export const taskTitle = z.string();
export const taskNote = z.string();
export const recordId = z.number().int().positive();
export const blockers = z.array(recordId).max(MAX_BLOCKERS);
export const pageLimit = z.number().int().min(1).max(MAX_PAGE_ITEMS);
export const role = z.string().max(MAX_ROLE_CHARS);
export const summary = z.string().max(MAX_SUMMARY_CHARS);
export const rolePrompt = z.string().max(MAX_ROLE_PROMPT_CHARS);
export const folder = z.string().max(MAX_PATH_CHARS);
export const branch = z.string().max(MAX_BRANCH_CHARS);
export const messageType = z.enum(MESSAGE_TYPES);
export const taskStatus = z.enum(TASK_STATUSES);
export const taskPriority = z.enum(TASK_PRIORITIES);
/** Menu keys: a digit, or a named key (enter, esc, up, down, ...). */
export const menuKeys = z.array(z.string().max(12)).min(1).max(MAX_MENU_KEYS);

const profileArgs = z.array(z.string().max(MAX_PATH_CHARS)).max(MAX_PROFILE_ARGS);
export const agentProfile = z.union([
  z.strictObject({
    kind: z.literal('claude'),
    args: profileArgs.optional(),
    sandbox: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('command'),
    command: z.string().min(1).max(MAX_PATH_CHARS),
    args: profileArgs,
    takesPrompts: z.boolean().optional(),
  }),
]);

export const addAgentInput = z.strictObject({
  name: agentName,
  role: role.optional(),
  summary: summary.optional(),
  /** The launch folder (default: the person's home folder). */
  cwd: folder.optional(),
  /** Runs on another machine and connects with its own token; the studio holds no terminal for it. */
  remote: z.boolean().optional(),
  commander: z.boolean().optional(),
  /** Local agents: what to run (Claude Code by default). */
  profile: agentProfile.optional(),
  rolePrompt: rolePrompt.optional(),
  /**
   * A git worktree of its own, made from the repository `cwd` is in, on a new branch
   * ccstudio/<name>/work from `base` (default: the branch checked out there), in `parent`
   * (default: <repo>-worktrees/ beside the repository).
   */
  worktree: z.strictObject({ base: branch.min(1).optional(), parent: folder.min(1).optional() }).optional(),
  /**
   * Runs on another machine, through the person's own SSH: `dest` as `ssh` takes it, `command`
   * its Claude Code there (default `claude`). `cwd` is then a folder on that machine.
   */
  ssh: z
    .strictObject({
      dest: z.string().min(1).max(MAX_SSH_DEST_CHARS),
      command: z.string().min(1).max(MAX_PATH_CHARS).optional(),
    })
    .optional(),
});
export type AddAgentInput = z.infer<typeof addAgentInput>;

export const removeAgentOptions = z.strictObject({
  /** Also remove its worktree and merged branches (refused if that would lose work). */
  removeWorktree: z.boolean().optional(),
});
export type RemoveAgentOptions = z.infer<typeof removeAgentOptions>;

/** Whose work: an agent's worktree as it is, or a task's branch (its assignee's worktree). */
export const workTarget = z.union([
  z.strictObject({ agent: agentName }),
  z.strictObject({
    taskId: recordId,
    /** Only what changed since the person last sent it back (its commits since, and the worktree). */
    sinceReview: z.boolean().optional(),
  }),
]);
export type WorkTarget = z.infer<typeof workTarget>;

export const mergeInput = z.strictObject({
  agent: agentName.optional(),
  taskId: recordId.optional(),
  /** Default: the worktree's base branch. */
  into: branch.min(1).optional(),
  /** Default: merge-commit, which works whether or not the base moved on. */
  mode: z.enum(['fast-forward', 'merge-commit']).optional(),
  /** The commit the person reviewed (WorkspaceDiff.head): refused if the branch has moved on since. */
  reviewed: z
    .string()
    .regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/)
    .optional(),
  /** Merge a task whose check failed, is stale, still runs or never ran (the person said so). */
  force: z.boolean().optional(),
});
export type MergeInput = z.infer<typeof mergeInput>;

/** A note, the line comments made since the last send-back, or both: it needs one of them. */
export const sendBackInput = z.strictObject({ taskId: recordId, note: taskNote.min(1).optional() });
export type SendBackInput = z.infer<typeof sendBackInput>;

/** The first team: a commander and this many agents, all working in one folder. */
export const startTeamInput = z.strictObject({
  cwd: folder.min(1),
  agents: z.number().int().min(0).max(MAX_FIRST_TEAM_AGENTS),
  /**
   * Each engineer in a git worktree of its own (the commander stays in the folder). Default: yes
   * when the folder is in a git repository, so agents never edit one working tree unasked.
   */
  worktrees: z.boolean().optional(),
});
export type StartTeamInput = z.infer<typeof startTeamInput>;

export const sendInput = z.strictObject({
  to: agentName,
  body: messageBody,
  type: messageType.optional(),
  replyTo: recordId.optional(),
  /** Reaches a busy agent at its next tool call, not only at its turn's end. */
  urgent: z.boolean().optional(),
});
export type SendInput = z.infer<typeof sendInput>;

export const notifyInput = z.strictObject({
  webhookUrl: z.string().min(1).max(2000).nullable(),
  webhookTopic: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'A topic is 1-64 letters, digits, "_" or "-".')
    .nullable(),
});
export type NotifyInput = z.infer<typeof notifyInput>;

/** Tokens or turns an hour; null turns the budget off. */
export const budgetInput = z
  .strictObject({
    tokensPerHour: z.number().int().min(1).max(1e12).optional(),
    turnsPerHour: z.number().int().min(1).max(100_000).optional(),
  })
  .refine((b) => b.tokensPerHour !== undefined || b.turnsPerHour !== undefined, {
    message: 'A budget sets tokensPerHour, turnsPerHour or both; null turns it off.',
  })
  .nullable();
export type BudgetInput = z.infer<typeof budgetInput>;

export const feedQuery = z.strictObject({ limit: pageLimit.optional() });
export type FeedQuery = z.infer<typeof feedQuery>;

export const historyQuery = z.strictObject({
  /** Conversation with this agent (direct messages both ways). */
  with: agentName.optional(),
  topic: topicName.optional(),
  limit: pageLimit.optional(),
  beforeId: recordId.optional(),
});
export type HistoryQuery = z.infer<typeof historyQuery>;

export const taskQuery = z.strictObject({
  status: taskStatus.optional(),
  assignee: agentName.optional(),
  limit: pageLimit.optional(),
});
export type TaskQuery = z.infer<typeof taskQuery>;

export const createTaskInput = z.strictObject({
  title: taskTitle,
  body: taskBody.optional(),
  priority: taskPriority.optional(),
  assignee: agentName.optional(),
  blockedBy: blockers.optional(),
});
export type CreateTaskInput = z.infer<typeof createTaskInput>;

export const updateTaskInput = z.strictObject({
  id: recordId,
  status: taskStatus.optional(),
  /** null unassigns. */
  assignee: agentName.nullable().optional(),
  title: taskTitle.optional(),
  body: taskBody.optional(),
  priority: taskPriority.optional(),
  blockedBy: blockers.optional(),
  result: taskBody.optional(),
  note: taskNote.optional(),
});
export type UpdateTaskInput = z.infer<typeof updateTaskInput>;
