// Comments on the lines of a task's diff: made in the review, sent back with the task as one mail
// (each with its file, line and the lines around it), kept with the task, and shown at the next
// review as still open, answered (the agent added a note since) or outdated (the line changed).
import { COMMENT_CONTEXT_LINES, type AddCommentInput, type ReviewComment } from '../../contract/review.js';
import { StudioError } from '../../contract/errors.js';
import type { Agent, Task, TaskDetail } from '../../contract/model.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import { revParse } from './gitReads.js';
import type { Workspaces } from './workspaces.js';

/** A task's branch as the comments read it, through git on the machine its repository is on. */
export interface CommentSource {
  /** The branch's commit now. */
  head(task: Task): Promise<string>;
  /** A file's text at a commit; undefined when the commit has no such file. */
  fileAt(task: Task, commit: string, file: string): Promise<string | undefined>;
}

interface Row {
  id: number;
  task_id: number;
  file: string;
  line: number;
  text: string;
  head: string;
  line_text: string;
  context: string;
  created_at: number;
  sent_at: number | null;
}

export class ReviewComments {
  constructor(
    private readonly deps: {
      db: Db;
      board: { get(id: number): Task; detail(id: number): TaskDetail };
      source: CommentSource;
      clock: Clock;
    },
  ) {}

  /** A comment on a line of the branch as it is now; refused for a file or line it does not have. */
  async add(input: AddCommentInput): Promise<ReviewComment> {
    const task = this.deps.board.get(input.taskId);
    const head = await this.deps.source.head(task);
    const text = await this.deps.source.fileAt(task, head, input.file);
    if (text === undefined)
      throw new StudioError(
        'not_found',
        `${input.file} is not on task #${task.id}'s branch (${task.branch}).`,
      );
    const lines = fileLines(text);
    if (input.line > lines.length)
      throw new StudioError(
        'invalid',
        `${input.file} has ${lines.length} lines on the branch; there is no line ${input.line}.`,
      );
    const context = contextOf(lines, input.line);
    const { lastInsertRowid } = this.deps.db
      .prepare(
        `INSERT INTO task_comments (task_id, file, line, text, head, line_text, context, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        task.id,
        input.file,
        input.line,
        input.text,
        head,
        lines[input.line - 1]!,
        JSON.stringify(context),
        this.deps.clock.now(),
      );
    return (await this.list(task.id)).find((c) => c.id === Number(lastInsertRowid))!;
  }

  /** A task's comments, oldest first, each with its state now. */
  async list(taskId: number): Promise<ReviewComment[]> {
    const rows = this.rows(taskId);
    if (!rows.length) return [];
    const task = this.deps.board.detail(taskId);
    const head = rows.some((r) => r.sent_at !== null)
      ? await this.deps.source.head(task).catch(() => undefined)
      : undefined;
    const files = new Map<string, Promise<string[] | undefined>>();
    const linesOf = (file: string) => {
      if (!files.has(file))
        files.set(
          file,
          head
            ? this.deps.source
                .fileAt(task, head, file)
                .then((t) => (t === undefined ? undefined : fileLines(t)))
            : Promise.resolve(undefined),
        );
      return files.get(file)!;
    };
    return Promise.all(
      rows.map(async (r) => withState(r, task, head ? await linesOf(r.file) : undefined, head)),
    );
  }

  /** The task branch's commit now. */
  head(task: Task): Promise<string> {
    return this.deps.source.head(task);
  }

  /** The comments not sent yet. */
  pending(taskId: number): ReviewComment[] {
    return this.rows(taskId)
      .filter((r) => r.sent_at === null)
      .map((r) => ({ ...fromRow(r), state: 'pending' as const }));
  }

  /**
   * The person sent the task back: its pending comments are sent (never mailed twice), and the
   * commit they reviewed kept when it could be read.
   */
  sent(taskId: number, head: string | undefined): void {
    const at = this.deps.clock.now();
    this.deps.db.transaction(() => {
      this.deps.db
        .prepare('UPDATE task_comments SET sent_at = ? WHERE task_id = ? AND sent_at IS NULL')
        .run(at, taskId);
      if (head)
        this.deps.db
          .prepare('INSERT INTO task_reviews (task_id, head, at) VALUES (?, ?, ?)')
          .run(taskId, head, at);
    })();
  }

  /** The branch's commit the person last sent the task back from, if they did. */
  lastReviewed(taskId: number): string | undefined {
    const row = this.deps.db
      .prepare('SELECT head FROM task_reviews WHERE task_id = ? ORDER BY id DESC LIMIT 1')
      .get(taskId) as { head: string } | undefined;
    return row?.head;
  }

  private rows(taskId: number): Row[] {
    return this.deps.db
      .prepare('SELECT * FROM task_comments WHERE task_id = ? ORDER BY id')
      .all(taskId) as Row[];
  }
}

/** The mail a send-back carries: the note, then each comment with its place and the lines around it. */
export function commentsMail(comments: readonly ReviewComment[]): string {
  return comments
    .map((c) => {
      const width = String(c.context[c.context.length - 1]?.line ?? c.line).length;
      const shown = c.context.map(
        (l) => `${l.line === c.line ? '>' : ' '} ${String(l.line).padStart(width)} | ${l.text}`,
      );
      return [`${c.file}:${c.line}`, ...shown, `  ${c.text}`].join('\n');
    })
    .join('\n\n');
}

function fileLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function contextOf(lines: string[], line: number): ReviewComment['context'] {
  const from = Math.max(1, line - COMMENT_CONTEXT_LINES);
  const to = Math.min(lines.length, line + COMMENT_CONTEXT_LINES);
  const out: ReviewComment['context'] = [];
  for (let n = from; n <= to; n++) out.push({ line: n, text: lines[n - 1]! });
  return out;
}

function fromRow(r: Row): Omit<ReviewComment, 'state'> {
  return {
    id: r.id,
    taskId: r.task_id,
    file: r.file,
    line: r.line,
    text: r.text,
    head: r.head,
    context: JSON.parse(r.context) as ReviewComment['context'],
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/**
 * Sent and then: outdated when its line is not what it was (the file gone, the line changed or
 * moved); answered when the agent added a note to the task after it was sent; else open.
 */
function withState(
  r: Row,
  task: TaskDetail,
  lines: string[] | undefined,
  head: string | undefined,
): ReviewComment {
  const base = fromRow(r);
  if (r.sent_at === null) return { ...base, state: 'pending' };
  if (head && head !== r.head && lines?.[r.line - 1] !== r.line_text) return { ...base, state: 'outdated' };
  const answer = task.events.find((e) => e.note && e.actor === task.assignee && e.createdAt >= r.sent_at!);
  return answer ? { ...base, state: 'answered', answer: answer.note } : { ...base, state: 'open' };
}

/** A task's branch read through its assignee's worktree place (this machine or over SSH). */
export function branchSource(
  agents: { get(name: string): Agent | undefined },
  workspaces: Pick<Workspaces, 'gitFor'>,
): CommentSource {
  const placeOf = (task: Task) => {
    const agent = task.assignee ? agents.get(task.assignee) : undefined;
    if (!agent?.workspace || !task.branch)
      throw new StudioError(
        'invalid',
        `Task #${task.id} has no branch of its own (no worktree agent took it).`,
      );
    return { place: workspaces.gitFor(agent), repo: agent.workspace.repo, branch: task.branch };
  };
  return {
    head: (task) => {
      const { place, repo, branch } = placeOf(task);
      return revParse(place.git, repo, branch);
    },
    fileAt: async (task, commit, file) => {
      const { place, repo } = placeOf(task);
      const r = await place.git(repo, ['show', `${commit}:${file}`], { okCodes: [128] });
      return r.code === 0 ? r.stdout : undefined;
    },
  };
}
