// Runtime schemas for StudioService arguments: every pipe (IPC, WebSocket, HTTP) carries data
// from another process, so the core checks shapes here before any method runs.
import { z } from 'zod';
import { MESSAGE_TYPES, TASK_PRIORITIES, TASK_STATUSES } from './model.js';
import type { StudioServiceMethod, TerminalMethod } from './service.js';

const name = z.string().min(1).max(64);
const id = z.number().int().positive();
const limit = z.number().int().min(1).max(500);
const text = z.string().max(1024 * 1024);

export const SERVICE_ARGS: Record<StudioServiceMethod, z.ZodType<unknown[]>> = {
  status: z.tuple([]),
  listAgents: z.tuple([]),
  addAgent: z.tuple([
    z.strictObject({
      name,
      role: z.string().max(200).optional(),
      summary: z.string().max(500).optional(),
      cwd: z.string().max(4096).optional(),
      remote: z.boolean().optional(),
      commander: z.boolean().optional(),
      profile: z
        .union([
          z.strictObject({
            kind: z.literal('claude'),
            args: z.array(z.string().max(4096)).max(64).optional(),
            sandbox: z.boolean().optional(),
          }),
          z.strictObject({
            kind: z.literal('command'),
            command: z.string().min(1).max(4096),
            args: z.array(z.string().max(4096)).max(64),
          }),
        ])
        .optional(),
      rolePrompt: z.string().max(8000).optional(),
    }),
  ]),
  removeAgent: z.tuple([name]),
  sendMessage: z.tuple([
    z.strictObject({ to: name, body: text, type: z.enum(MESSAGE_TYPES).optional(), replyTo: id.optional() }),
  ]),
  broadcast: z.tuple([text]),
  history: z.tuple([
    z.strictObject({
      with: name.optional(),
      topic: z.string().max(64).optional(),
      limit: limit.optional(),
      beforeId: id.optional(),
    }),
  ]),
  personInbox: z.tuple([]),
  listTasks: z.tuple([
    z.strictObject({
      status: z.enum(TASK_STATUSES).optional(),
      assignee: name.optional(),
      limit: limit.optional(),
    }),
  ]),
  getTask: z.tuple([id]),
  createTask: z.tuple([
    z.strictObject({
      title: z.string(),
      body: text.optional(),
      priority: z.enum(TASK_PRIORITIES).optional(),
      assignee: name.optional(),
      blockedBy: z.array(id).max(50).optional(),
    }),
  ]),
  updateTask: z.tuple([
    z.strictObject({
      id,
      status: z.enum(TASK_STATUSES).optional(),
      assignee: name.nullable().optional(),
      title: z.string().optional(),
      body: text.optional(),
      priority: z.enum(TASK_PRIORITIES).optional(),
      blockedBy: z.array(id).max(50).optional(),
      result: text.optional(),
      note: z.string().max(2000).optional(),
    }),
  ]),
  startAgent: z.tuple([name]),
  stopAgent: z.tuple([name]),
  restartAgent: z.tuple([name]),
  readScreen: z.tuple([name]),
  kickAgent: z.tuple([name]),
  sendKeys: z.tuple([name, z.array(z.string().max(12)).min(1).max(20)]),
};

/** One typed chunk of keys; a paste larger than this is refused rather than cut. */
const TERMINAL_INPUT_MAX = 256 * 1024;

export const TERMINAL_ARGS: Record<TerminalMethod, z.ZodType<unknown[]>> = {
  attachTerminal: z.tuple([name]),
  detachTerminal: z.tuple([name]),
  terminalInput: z.tuple([name, z.string().min(1).max(TERMINAL_INPUT_MAX)]),
  resizeTerminal: z.tuple([name, z.number().int().min(2).max(1000), z.number().int().min(2).max(500)]),
};

/** Turns a zod failure into one sentence a person (or a model) can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`)
    .join('; ');
}
