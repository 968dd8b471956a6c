// One file of a review's diff, drawn by diff2html (unified or side by side) when it is open.
import { html as diffHtml } from 'diff2html';
import type { ColorSchemeType, DiffFile } from 'diff2html/lib/types';
import 'diff2html/bundles/css/diff2html.min.css';
import { useMemo, useState } from 'react';
import type { ReviewComment } from '../../../../../main/contract/review.js';
import { clickedLine } from './commentLine.js';

/** A file with more changed lines than this starts collapsed: one generated file must not bury the rest. */
const LARGE_FILE_LINES = 400;
/** With more files than this, every file starts collapsed and the list is the overview. */
const MANY_FILES = 25;

/**
 * diff2html's dark scheme (GitHub's dark colours, which the studio's are): its enum's value, so
 * the UI bundle pulls in no CommonJS module for one string.
 */
const DARK = 'dark' as ColorSchemeType;

export type DiffLayout = 'line-by-line' | 'side-by-side';

/** Its changes not committed in the worktree, some of them (committedToo) or all. */
export type Uncommitted = { committedToo: boolean };

export const fileName = (f: DiffFile) => (f.isDeleted ? f.oldName : f.newName);

/** Whether a file starts open: not when it is large, nor when there are many files. */
export const startsOpen = (f: DiffFile, files: number) =>
  files <= MANY_FILES && f.addedLines + f.deletedLines <= LARGE_FILE_LINES;

/** A file's mark when its changes are not all committed: what a merge leaves out. */
export function UncommittedBadge({ committedToo }: Uncommitted) {
  return (
    <span
      className="badge uncommitted"
      title={
        committedToo
          ? 'Some of these changes are committed, some not: a merge takes only the committed ones'
          : 'Not committed: a merge takes commits only'
      }
    >
      {committedToo ? 'partly committed' : 'not committed'}
    </span>
  );
}

export function FileDiff({
  file,
  layout,
  open,
  onToggle,
  uncommitted,
  comments = [],
  onComment,
}: {
  file: DiffFile;
  layout: DiffLayout;
  open: boolean;
  onToggle(): void;
  uncommitted?: Uncommitted | undefined;
  /** This file's line comments, and how to add one (a task's review only). */
  comments?: ReviewComment[];
  onComment?: ((line: number, text: string) => Promise<void>) | undefined;
}) {
  const [draft, setDraft] = useState<{ line: number; text: string } | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  // diff2html escapes the file's text; the HTML is its own markup around it.
  const markup = useMemo(
    () =>
      open
        ? diffHtml([file], {
            outputFormat: layout,
            drawFileList: false,
            matching: 'lines',
            colorScheme: DARK,
          })
        : '',
    [file, layout, open],
  );
  const name = fileName(file);
  return (
    <div
      className={`review-file${uncommitted ? ' uncommitted' : ''}`}
      data-testid={`review-file-${name}`}
      data-uncommitted={uncommitted ? (uncommitted.committedToo ? 'partly' : 'all') : undefined}
    >
      <button className="review-file-head" onClick={onToggle} aria-expanded={open}>
        <span className="review-caret">{open ? '▾' : '▸'}</span>
        <span className="review-file-name">{name}</span>
        <span className="added">+{file.addedLines}</span>{' '}
        <span className="removed">−{file.deletedLines}</span>
        {file.isNew && <span className="badge">new</span>}
        {file.isDeleted && <span className="badge">deleted</span>}
        {file.isBinary && <span className="badge">binary</span>}
        {uncommitted && <UncommittedBadge committedToo={uncommitted.committedToo} />}
      </button>
      {open && (
        <div
          className={`review-file-body${onComment ? ' commentable' : ''}`}
          title={onComment ? 'Click a line to comment on it' : undefined}
          onClick={(e) => {
            if (!onComment || file.isDeleted) return;
            const at = clickedLine(e.target);
            if (!at) return;
            if ('removed' in at)
              return setHint('A removed line is not on the branch: comment on a line of its new version.');
            setHint(null);
            setDraft({ line: at.line, text: '' });
          }}
          dangerouslySetInnerHTML={{ __html: markup }}
        />
      )}
      {hint && <p className="form-hint">{hint}</p>}
      {draft && onComment && (
        <form
          className="review-comment-form"
          data-testid="review-comment-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.text.trim()) void onComment(draft.line, draft.text.trim()).then(() => setDraft(null));
          }}
        >
          <label>
            Comment on {name}:{draft.line}
            <textarea
              autoFocus
              rows={2}
              value={draft.text}
              onChange={(e) => setDraft({ ...draft, text: e.target.value })}
              data-testid="review-comment-text"
            />
          </label>
          <button type="submit" disabled={!draft.text.trim()} data-testid="review-comment-add">
            Add comment
          </button>
          <button type="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </form>
      )}
      {comments.length > 0 && (
        <ul className="review-comments">
          {comments.map((c) => (
            <li key={c.id} data-testid={`review-comment-${c.id}`} data-state={c.state}>
              <span className={`badge comment-${c.state}`}>{c.state}</span> line {c.line}: {c.text}
              {c.answer && <div className="form-hint">answered: {c.answer}</div>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
