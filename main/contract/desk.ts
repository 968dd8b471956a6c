// The person's desk: everything that waits for the person, across all agents, as one list (the
// queue), and the answers it takes. Items are derived by the core (main/core/desk/); nothing here
// is stored. An item's id names one prompt shown once: an answer to an id that has gone is refused,
// never carried to whatever the agent shows next.
import { z } from 'zod';
import { MAX_MESSAGE_BYTES } from './limits.js';
import type { ChangeCounts } from './model.js';

export const DESK_KINDS = [
  /** A tool call waits for allow or deny (the exact command, file or URL in `detail`). */
  'permission',
  /** A question with options, or one that takes typed text. */
  'question',
  /** A dialog only the person answers: trusting a folder, logging in, any other the CLI shows. */
  'dialog',
  /** A task in review. */
  'review',
  /** The agent's wakes are held (a spent budget, a ping-pong loop). */
  'held',
  /** Busy with nothing shown for minutes, or a screen the studio does not recognise. */
  'stuck',
  /** Its program ended on its own, or keeps crashing and the studio stopped restarting it. */
  'exited',
  /** Its link to the machine it runs on dropped; the studio is reconnecting. */
  'link',
] as const;
export type DeskKind = (typeof DESK_KINDS)[number];

/** Whether an item is answered by allow/deny, by choosing or typing, or by an action. */
export const DESK_ANSWERS = ['allow', 'deny', 'choose', 'text', 'release', 'restart'] as const;
export type DeskAnswerKind = (typeof DESK_ANSWERS)[number];

export interface DeskOption {
  number: number;
  label: string;
}

export interface DeskItem {
  /** Names this prompt, shown once: `p12` (a letter for the kind, a number never reused). */
  id: string;
  kind: DeskKind;
  agent: string;
  agentId: number;
  /** When it started waiting, ms since epoch. */
  since: number;
  /** One line: what waits ("bob asks to run a command"). */
  title: string;
  /** What exactly: the command, file or URL asked for; the question; the task's title; why it stopped. */
  detail: string;
  /** The tool a permission is for (Bash, Edit, WebFetch, ...). */
  tool?: string;
  /** A question's or a dialog's options, numbered as the CLI numbers them. */
  options?: DeskOption[];
  taskId?: number;
  /** A task in review: what its branch changes since its base (files, lines), once counted. */
  changes?: ChangeCounts;
  /** The answers it takes, in the order the window offers them. */
  answers: DeskAnswerKind[];
  /** The answer goes through Claude Code's own permission hook (nothing typed) rather than keys. */
  structured?: boolean;
}

/** A note sent with a deny, or a typed answer: mail-sized. */
const answerText = z.string().min(1).max(MAX_MESSAGE_BYTES);

export const deskAnswerInput = z.union([
  z.strictObject({
    id: z.string().min(1).max(40),
    verdict: z.enum(['allow', 'deny']),
    note: answerText.optional(),
  }),
  z.strictObject({ id: z.string().min(1).max(40), choose: z.number().int().min(1).max(99) }),
  z.strictObject({ id: z.string().min(1).max(40), text: answerText }),
  z.strictObject({ id: z.string().min(1).max(40), action: z.enum(['release', 'restart']) }),
]);
export type DeskAnswerInput = z.infer<typeof deskAnswerInput>;

/** What became of an answer: how it reached the agent. */
export interface DeskAnswerResult {
  id: string;
  /** `hook`: through Claude Code's permission hook; `keys`: pressed after the screen was checked. */
  via: 'hook' | 'keys' | 'action';
}

/** The one-letter prefix of an item's id, per kind: ids read at a glance in `ccstudio queue`. */
export const DESK_ID_PREFIX: Record<DeskKind, string> = {
  permission: 'p',
  question: 'q',
  dialog: 'd',
  review: 'r',
  held: 'h',
  stuck: 's',
  exited: 'x',
  link: 'l',
};
