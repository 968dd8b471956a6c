// Runtime checks for StudioService calls: every pipe (IPC, WebSocket, HTTP) carries data from
// another process, so the core checks arguments here before any method runs. The tables are
// typed by the interfaces: a method added to StudioService or StudioTerminals and not here is a
// compile error, and a schema whose output does not fit the method's parameters is one too.
import { setCheckInput, taskChecksInput } from './checks.js';
import { deskAnswerInput } from './desk.js';
import { addCommentInput } from './review.js';
import { z } from 'zod';
import {
  addAgentInput,
  agentName,
  budgetInput,
  createTaskInput,
  notifyInput,
  feedQuery,
  folder,
  historyQuery,
  menuKeys,
  mergeInput,
  messageBody,
  removeAgentOptions,
  sendBackInput,
  workTarget,
  recordId,
  sendInput,
  startTeamInput,
  taskQuery,
  updateTaskInput,
} from './inputs.js';
import {
  MAX_TERMINAL_INPUT_CHARS,
  TERMINAL_MAX_COLS,
  TERMINAL_MAX_ROWS,
  TERMINAL_MIN_CELLS,
} from './limits.js';
import type { StudioService, StudioServiceMethod, StudioTerminals, TerminalMethod } from './service.js';

/** Minutes idle before an agent sleeps: a week at most (a longer wait is a pin). */
const sleepMinutes = z
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 60);
const sleepSettingsPatch = z.strictObject({
  idleMinutes: sleepMinutes.optional(),
  // A cap above any crew the studio runs is no cap: a thousand is plenty.
  awakeCap: z.number().int().min(1).max(1000).nullable().optional(),
  commander: z.boolean().optional(),
});

export const SERVICE_ARGS: { [M in StudioServiceMethod]: z.ZodType<Parameters<StudioService[M]>> } = {
  status: z.tuple([]),
  listAgents: z.tuple([]),
  addAgent: z.tuple([addAgentInput]),
  removeAgent: z.tuple([agentName, removeAgentOptions.optional()]),
  sendMessage: z.tuple([sendInput]),
  broadcast: z.tuple([messageBody]),
  history: z.tuple([historyQuery]),
  personInbox: z.tuple([]),
  listTasks: z.tuple([taskQuery]),
  getTask: z.tuple([recordId]),
  createTask: z.tuple([createTaskInput]),
  updateTask: z.tuple([updateTaskInput]),
  startAgent: z.tuple([agentName]),
  stopAgent: z.tuple([agentName]),
  restartAgent: z.tuple([agentName]),
  readScreen: z.tuple([agentName]),
  kickAgent: z.tuple([agentName]),
  sleepAgent: z.tuple([agentName]),
  wakeAgent: z.tuple([agentName]),
  pinAgent: z.tuple([agentName, z.boolean()]),
  setSleepAfter: z.tuple([agentName, sleepMinutes.nullable()]),
  sleepSettings: z.tuple([]),
  setSleepSettings: z.tuple([sleepSettingsPatch]),
  resources: z.tuple([]),
  sendKeys: z.tuple([agentName, menuKeys]),
  feedHistory: z.tuple([feedQuery]),
  folderChoices: z.tuple([]),
  checkFolder: z.tuple([folder]),
  pickFolder: z.tuple([]),
  startTeam: z.tuple([startTeamInput]),
  agentChanges: z.tuple([agentName]),
  allChanges: z.tuple([]),
  workDiff: z.tuple([workTarget]),
  merge: z.tuple([mergeInput]),
  previewMerge: z.tuple([mergeInput]),
  sendBack: z.tuple([sendBackInput]),
  openPullRequest: z.tuple([workTarget]),
  releaseAgent: z.tuple([agentName]),
  setBudget: z.tuple([agentName, budgetInput]),
  notifyStatus: z.tuple([]),
  setNotify: z.tuple([notifyInput]),
  testNotify: z.tuple([]),
  queue: z.tuple([]),
  answer: z.tuple([deskAnswerInput]),
  checks: z.tuple([]),
  setCheck: z.tuple([setCheckInput]),
  taskChecks: z.tuple([taskChecksInput]),
  addComment: z.tuple([addCommentInput]),
  taskComments: z.tuple([recordId]),
  listTabs: z.tuple([]),
  endTab: z.tuple([recordId]),
};

const cols = z.number().int().min(TERMINAL_MIN_CELLS).max(TERMINAL_MAX_COLS);
const rows = z.number().int().min(TERMINAL_MIN_CELLS).max(TERMINAL_MAX_ROWS);

export const TERMINAL_ARGS: { [M in TerminalMethod]: z.ZodType<Parameters<StudioTerminals[M]>> } = {
  attachTerminal: z.tuple([agentName]),
  detachTerminal: z.tuple([agentName]),
  terminalInput: z.tuple([agentName, z.string().min(1).max(MAX_TERMINAL_INPUT_CHARS)]),
  resizeTerminal: z.tuple([agentName, cols, rows]),
};

/** Turns a zod failure into one sentence a person (or a model) can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`)
    .join('; ');
}
