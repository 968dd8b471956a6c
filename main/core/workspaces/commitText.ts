// What the studio writes into the person's history and forge: merge commit messages and pull
// requests. Task titles and bodies are agents' text, and git reads the last paragraph of a message
// as its trailers (Signed-off-by:, Co-authored-by:): a title "x\n\nSigned-off-by: Evil <e@x>"
// must never sign anything in the person's name. So agents' text goes only where git never looks
// for trailers: the subject (its first paragraph, one line here), or lines indented as code; and
// every message ends with a paragraph of the studio's own words.
import { sanitizeForTerminal } from '../util/sanitize.js';

/** A task's title in a commit subject or a pull request title: `git log --oneline` and forges show it whole. */
export const SUBJECT_TITLE_CHARS = 72;
/** A task's description in a pull request; GitHub takes 65,536 characters, and the full text stays on the board. */
export const PR_DESCRIPTION_CHARS = 16_000;

const MERGE_FOOTER = "Merged by Claude Code Studio on the person's word.";
const PR_FOOTER = "Opened from Claude Code Studio on the person's word.";

/** Agents' text as one line (no line breaks, no control characters), cut to `max` with an ellipsis. */
export function subjectText(text: string, max = SUBJECT_TITLE_CHARS): string {
  return sanitizeForTerminal(text, max);
}

export interface MergeSubject {
  branch: string;
  agent: string;
  task?: { id: number; title: string };
}

/** The merge commit's message: one-line subject, then the studio's own paragraph (where git looks for trailers). */
export function mergeCommitMessage({ branch, agent, task }: MergeSubject): string {
  const by = task ? `task #${task.id} (${subjectText(task.title)}), worked by ${agent}` : `${agent}'s work`;
  return `${subjectText(`Merge ${branch}: ${by}`, Number.POSITIVE_INFINITY)}\n\n${MERGE_FOOTER}`;
}

/** A pull request's title: one line, as it becomes a squash merge's subject. */
export function pullRequestTitle(
  agent: string,
  branch: string,
  task?: { id: number; title: string },
): string {
  return task ? `#${task.id} ${subjectText(task.title)}` : subjectText(`${agent}: ${branch}`);
}

// Controls but tab and newline, C1, and the marks that reorder shown text.
const BODY_CONTROLS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A pull request's description. The task's body is shown as an indented code block: GitHub
 * renders nothing in it (no mention pings anyone, no link, no image, no "Fixes #1" closes an
 * issue), and git reads an indented line as no trailer, even when a squash merge copies the
 * description into a commit message. The studio's own paragraph ends it.
 */
export function pullRequestBody(agent: string, task?: { id: number; body: string }): string {
  const head = task
    ? `Task #${task.id}, worked by ${agent} in Claude Code Studio.`
    : `Work by ${agent} in Claude Code Studio.`;
  let text = (task?.body ?? '').replace(/\r\n?/g, '\n').replace(BODY_CONTROLS, '').replace(/\s+$/, '');
  if (!text.trim()) return `${head}\n\n${PR_FOOTER}`;
  if (text.length > PR_DESCRIPTION_CHARS) text = `${text.slice(0, PR_DESCRIPTION_CHARS - 1)}…`;
  const block = text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `${head} The task as written on the board (agents' text, shown as it is):\n\n${block}\n\n${PR_FOOTER}`;
}
