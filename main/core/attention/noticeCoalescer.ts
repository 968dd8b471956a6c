// One agent in a loop (a task flipped between review and in progress 440 times in 5 s) once made
// 440 webhook posts and as many OS and browser notifications. Notices pass through here once, in
// the core, so every channel gets the same bounded stream: per source and kind, the first notice
// goes out at once; what follows within a window is told at the window's end, as itself when it
// was one, else as one summary. Nothing is dropped without a word.
import type { Attention, AttentionKind } from '../../contract/model.js';
import { PERSON_NAME } from '../../contract/limits.js';
import type { Clock } from '../util/clock.js';

/** After a notice, more of its kind from the same source wait this long: a person reads a notice within a minute, and one sent 400 times a minute is noise, not news. */
export const NOTICE_WINDOW_MS = 60_000;
/**
 * A permission prompt or a question waits for the person, so the next one is told sooner; an
 * agent that opens them in a loop still makes one notice per window, not one per prompt.
 */
export const PROMPT_NOTICE_WINDOW_MS = 10_000;

/** The window for a kind of notice. */
export function noticeWindowMs(kind: AttentionKind): number {
  return kind === 'permission' || kind === 'question' ? PROMPT_NOTICE_WINDOW_MS : NOTICE_WINDOW_MS;
}

/** What a summary calls several notices of a kind: "12 more tasks in review from eng-2 ...". */
const KIND_WORDS: Record<AttentionKind, string> = {
  permission: 'permission prompts',
  question: 'questions',
  review: 'tasks in review',
  done: 'tasks done',
  held: 'holds',
  stuck: 'stuck turns',
  unrecognised: 'unrecognised screens',
  disconnected: 'lost links',
  quota: 'budget refusals',
  security: 'security notices',
};

interface Window {
  timer: { cancel(): void };
  /** Notices held back in this window, and the newest of them. */
  count: number;
  latest: Attention | undefined;
  /** The task every held notice was about, if they were all about one. */
  taskId: number | undefined;
  mixedTasks: boolean;
}

/** "the last minute", "the last 10 s". */
function span(ms: number): string {
  if (ms === 60_000) return 'the last minute';
  return ms % 60_000 === 0 ? `the last ${ms / 60_000} minutes` : `the last ${ms / 1000} s`;
}

/** Several notices of one kind from one source, told as one. */
function summaryNotice(
  kind: AttentionKind,
  source: string,
  count: number,
  latest: Attention,
  taskId: number | undefined,
  at: number,
): Attention {
  const person = source === PERSON_NAME;
  return {
    kind,
    title: `${count} more ${KIND_WORDS[kind]} from ${person ? 'you' : source} in ${span(noticeWindowMs(kind))}`,
    body: `The latest: ${latest.title}: ${latest.body}`,
    ...(person ? {} : { agent: source }),
    ...(taskId !== undefined ? { taskId } : {}),
    at,
  };
}

/**
 * Lets notices through at most once a window per source (the agent a notice is about, or whoever
 * moved the task) and kind, telling what it held back when the window ends.
 */
export class NoticeCoalescer {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly deps: { clock: Clock; emit(notice: Attention): void }) {}

  offer(notice: Attention, source: string): void {
    const key = `${notice.kind}\u0000${source}`;
    const open = this.windows.get(key);
    if (!open) {
      this.open(key, notice.kind, source);
      this.deps.emit(notice);
      return;
    }
    if (open.count === 0) open.taskId = notice.taskId;
    else if (open.taskId !== notice.taskId) open.mixedTasks = true;
    open.count++;
    open.latest = notice;
  }

  private open(key: string, kind: AttentionKind, source: string): void {
    const window: Window = {
      count: 0,
      latest: undefined,
      taskId: undefined,
      mixedTasks: false,
      timer: this.deps.clock.setTimeout(() => this.close(key, kind, source, window), noticeWindowMs(kind)),
    };
    this.windows.set(key, window);
  }

  /** The window ends: what it held is told, and a new window opens behind it; an empty one just ends. */
  private close(key: string, kind: AttentionKind, source: string, window: Window): void {
    this.windows.delete(key);
    const { count, latest } = window;
    if (!latest) return;
    this.open(key, kind, source);
    const taskId = window.mixedTasks ? undefined : window.taskId;
    this.deps.emit(
      count === 1 ? latest : summaryNotice(kind, source, count, latest, taskId, this.deps.clock.now()),
    );
  }

  dispose(): void {
    for (const w of this.windows.values()) w.timer.cancel();
    this.windows.clear();
  }
}
