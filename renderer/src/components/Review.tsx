// Reviewing an agent's work: its diff against the base (diff2html: unified or side by side, large
// files collapsed), then merge, send back with a note, or open a pull request.
import { html as diffHtml, parse as parseDiff } from 'diff2html';
import type { ColorSchemeType, DiffFile } from 'diff2html/lib/types';
import 'diff2html/bundles/css/diff2html.min.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { MergeMode, Task, WorkspaceChanges, WorkspaceDiff } from '../../../main/contract/model.js';
import type { StudioClient } from '../../../main/contract/pipe.js';
import type { WorkTarget } from '../../../main/contract/service.js';
import { Modal } from './Dialogs.js';

/** A file with more changed lines than this starts collapsed: one generated file must not bury the rest. */
const LARGE_FILE_LINES = 400;
/** With more files than this, every file starts collapsed and the list is the overview. */
const MANY_FILES = 25;

/**
 * diff2html's dark scheme (GitHub's dark colours, which the studio's are): its enum's value, so
 * the UI bundle pulls in no CommonJS module for one string.
 */
const DARK = 'dark' as ColorSchemeType;

type Layout = 'line-by-line' | 'side-by-side';

const fileName = (f: DiffFile) => (f.isDeleted ? f.oldName : f.newName);

function FileDiff({
  file,
  layout,
  open,
  onToggle,
}: {
  file: DiffFile;
  layout: Layout;
  open: boolean;
  onToggle(): void;
}) {
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
    <div className="review-file" data-testid={`review-file-${name}`}>
      <button className="review-file-head" onClick={onToggle} aria-expanded={open}>
        <span className="review-caret">{open ? '▾' : '▸'}</span>
        <span className="review-file-name">{name}</span>
        <span className="added">+{file.addedLines}</span>{' '}
        <span className="removed">−{file.deletedLines}</span>
        {file.isNew && <span className="badge">new</span>}
        {file.isDeleted && <span className="badge">deleted</span>}
        {file.isBinary && <span className="badge">binary</span>}
      </button>
      {open && <div className="review-file-body" dangerouslySetInnerHTML={{ __html: markup }} />}
    </div>
  );
}

export function ReviewDialog({
  client,
  target,
  task,
  changes,
  notify,
  onClose,
}: {
  client: StudioClient;
  target: WorkTarget;
  /** The card reviewed (for send back and its status); absent when reviewing an agent's worktree. */
  task?: Task;
  /** The agent's latest changes (uncommitted files block a merge). */
  changes?: WorkspaceChanges;
  notify(text: string, error?: boolean): void;
  onClose(): void;
}) {
  const [diff, setDiff] = useState<WorkspaceDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [layout, setLayout] = useState<Layout>('line-by-line');
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  // The target as a value: the window passes a new object on every render.
  const key = JSON.stringify(target);
  const load = useCallback(() => {
    setError(null);
    client.workDiff(JSON.parse(key) as WorkTarget).then(setDiff, (err: Error) => setError(err.message));
  }, [client, key]);
  useEffect(load, [load, changes?.at]);
  const files = useMemo(() => (diff ? parseDiff(diff.patch) : []), [diff]);
  const isOpen = (f: DiffFile) =>
    open[fileName(f)] ?? (files.length <= MANY_FILES && f.addedLines + f.deletedLines <= LARGE_FILE_LINES);
  const act = (what: Promise<unknown>, done: (v: never) => string) => {
    setBusy(true);
    setError(null);
    what.then(
      (v) => {
        setBusy(false);
        notify(done(v as never));
        onClose();
      },
      (err: Error) => {
        setBusy(false);
        setError(err.message);
      },
    );
  };
  const merge = (mode: MergeMode) =>
    act(
      // What the person looked at: commits that arrived since refuse the merge.
      client.merge({ ...target, mode, ...(diff ? { reviewed: diff.head } : {}) }),
      (r: { branch: string; into: string; commit: string }) =>
        `Merged ${r.branch} into ${r.into} (${r.commit.slice(0, 10)})`,
    );
  const who = 'agent' in target ? target.agent : `task #${target.taskId}`;
  const title = diff ? `Review ${who}: ${diff.branch || '(detached)'} against ${diff.base}` : `Review ${who}`;
  const totals = files.reduce((t, f) => ({ a: t.a + f.addedLines, d: t.d + f.deletedLines }), { a: 0, d: 0 });
  return (
    <Modal title={title} onClose={onClose} wide>
      <div className="review" data-testid="review">
        <div className="review-bar">
          <span data-testid="review-summary">
            {files.length} file{files.length === 1 ? '' : 's'} <span className="added">+{totals.a}</span>{' '}
            <span className="removed">−{totals.d}</span>
            {diff?.includesUncommitted && changes && changes.uncommitted.files > 0
              ? ` · ${changes.uncommitted.files} not committed (a merge takes commits only)`
              : ''}
          </span>
          <span className="spacer" />
          <button
            onClick={() => setLayout(layout === 'line-by-line' ? 'side-by-side' : 'line-by-line')}
            data-testid="review-layout"
          >
            {layout === 'line-by-line' ? 'Side by side' : 'Unified'}
          </button>
          <button onClick={() => setOpen(Object.fromEntries(files.map((f) => [fileName(f), true])))}>
            Expand all
          </button>
          <button onClick={() => setOpen(Object.fromEntries(files.map((f) => [fileName(f), false])))}>
            Collapse all
          </button>
          <button onClick={load}>Refresh</button>
        </div>
        {error && (
          <p className="form-error" role="alert" data-testid="review-error">
            {error}
          </p>
        )}
        <div className="review-files">
          {diff && !files.length && <p className="empty">No changes against {diff.base}.</p>}
          {files.map((f) => (
            <FileDiff
              key={fileName(f)}
              file={f}
              layout={layout}
              open={isOpen(f)}
              onToggle={() => setOpen((o) => ({ ...o, [fileName(f)]: !isOpen(f) }))}
            />
          ))}
          {diff?.truncated && <p className="empty">The diff is cut here: it is too large to show whole.</p>}
        </div>
        {note !== null && task && (
          <div className="review-note">
            <textarea
              autoFocus
              rows={3}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              placeholder={`What should ${task.assignee} change?`}
              data-testid="review-note"
            />
            <button
              disabled={busy || !note.trim()}
              onClick={() =>
                act(
                  client.sendBack({ taskId: task.id, note: note.trim() }),
                  () => `Sent #${task.id} back to ${task.assignee}`,
                )
              }
              data-testid="review-send-back-confirm"
            >
              Send back with this note
            </button>
          </div>
        )}
        <footer className="review-actions">
          <button
            disabled={busy || !files.length}
            onClick={() => merge('merge-commit')}
            data-testid="review-merge"
          >
            Merge into {diff?.base ?? 'base'}
          </button>
          <button
            disabled={busy || !files.length}
            onClick={() => merge('fast-forward')}
            data-testid="review-ff"
            title="Only if the base has not moved on"
          >
            Fast-forward
          </button>
          {task && (
            <button
              disabled={busy}
              onClick={() => setNote(note === null ? '' : null)}
              data-testid="review-send-back"
            >
              Send back…
            </button>
          )}
          <button
            // No remote, nothing to push to: said before it is pressed, not after.
            disabled={busy || !files.length || !diff?.remote}
            onClick={() => act(client.openPullRequest(target), (url: string) => `Opened ${url}`)}
            title={
              diff && !diff.remote
                ? 'This repository has no remote to push to: add one (git remote add origin URL), then Refresh.'
                : `Pushes the branch to ${diff?.remote ?? 'its remote'} and opens a pull request with the GitHub CLI (gh)`
            }
            data-testid="review-pr"
          >
            Open pull request
          </button>
        </footer>
      </div>
    </Modal>
  );
}
