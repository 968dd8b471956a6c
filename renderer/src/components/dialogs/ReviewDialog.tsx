// Reviewing an agent's work: its diff against the base (diff2html: unified or side by side, large
// files collapsed, files not committed marked), what a merge would do, then merge, send back with
// a note, or open a pull request.
import { html as diffHtml, parse as parseDiff } from 'diff2html';
import type { ColorSchemeType, DiffFile } from 'diff2html/lib/types';
import 'diff2html/bundles/css/diff2html.min.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  MergeMode,
  MergePreview,
  Task,
  WorkspaceChanges,
  WorkspaceDiff,
} from '../../../../main/contract/model.js';
import type { WorkTarget } from '../../../../main/contract/service.js';
import { useStudio } from '../../app/StudioContext.js';
import { Modal } from './Modal.js';

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

/** A file's mark when its changes are not all committed: what a merge leaves out. */
function UncommittedBadge({ committedToo }: { committedToo: boolean }) {
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

function FileDiff({
  file,
  layout,
  open,
  onToggle,
  uncommitted,
}: {
  file: DiffFile;
  layout: Layout;
  open: boolean;
  onToggle(): void;
  /** Its changes not committed in the worktree, some of them (committedToo) or all. */
  uncommitted?: { committedToo: boolean } | undefined;
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
      {open && <div className="review-file-body" dangerouslySetInnerHTML={{ __html: markup }} />}
    </div>
  );
}

/** What a merge would do in one mode, or why that cannot be told (which refuses it too). */
type Preview = { preview: MergePreview } | { failed: string } | null;

/** The preview's sentence, and whether its button may be pressed: the two come from one place. */
function previewState(p: Preview): { text: string; mergeable: boolean } {
  if (!p) return { text: 'Checking what a merge would do…', mergeable: false };
  if ('failed' in p) return { text: `Cannot merge: ${p.failed}`, mergeable: false };
  return { text: p.preview.text, mergeable: p.preview.refusal === null };
}

export function ReviewDialog({
  target,
  task,
  changes,
  onClose,
}: {
  target: WorkTarget;
  /** The card reviewed (for send back and its status); absent when reviewing an agent's worktree. */
  task?: Task;
  /** The agent's latest changes: the review reads again when they move. */
  changes?: WorkspaceChanges;
  onClose(): void;
}) {
  const { client, notify } = useStudio();
  const [diff, setDiff] = useState<WorkspaceDiff | null>(null);
  const [previews, setPreviews] = useState<Record<MergeMode, Preview>>({
    'merge-commit': null,
    'fast-forward': null,
  });
  const [error, setError] = useState<string | null>(null);
  const [layout, setLayout] = useState<Layout>('line-by-line');
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  // Only the latest load's answers are shown: an earlier one may come back after it.
  const loads = useRef(0);
  // The target as a value: the window passes a new object on every render.
  const key = JSON.stringify(target);
  const load = useCallback(
    (keepError = false) => {
      const n = ++loads.current;
      const t = JSON.parse(key) as WorkTarget;
      if (!keepError) setError(null);
      setPreviews({ 'merge-commit': null, 'fast-forward': null });
      client.workDiff(t).then(
        (d) => {
          if (n !== loads.current) return;
          setDiff(d);
          // Asked with what the merge buttons send (the commit shown), so they say the same.
          for (const mode of ['merge-commit', 'fast-forward'] as const)
            client.previewMerge({ ...t, mode, reviewed: d.head }).then(
              (preview) => n === loads.current && setPreviews((p) => ({ ...p, [mode]: { preview } })),
              (err: Error) =>
                n === loads.current && setPreviews((p) => ({ ...p, [mode]: { failed: err.message } })),
            );
        },
        (err: Error) => {
          if (n !== loads.current) return;
          setError(err.message);
          const failed = { failed: err.message };
          setPreviews({ 'merge-commit': failed, 'fast-forward': failed });
        },
      );
    },
    [client, key],
  );
  useEffect(() => load(), [load, changes?.at]);
  const files = useMemo(() => (diff ? parseDiff(diff.patch) : []), [diff]);
  const uncommitted = useMemo(
    () => new Map((diff?.uncommittedFiles ?? []).map((f) => [f.path, { committedToo: f.committedToo }])),
    [diff],
  );
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
        // Whatever changed meanwhile, the preview and its buttons catch up with it.
        load(true);
      },
    );
  };
  const merge = (mode: MergeMode) =>
    act(
      // What the person looked at: commits that arrived since refuse the merge.
      client.merge({ ...target, mode, ...(diff ? { reviewed: diff.head } : {}) }),
      (r: { branch: string; into: string; commit: string; taskId?: number }) =>
        `Merged ${r.branch} into ${r.into} (${r.commit.slice(0, 10)})${r.taskId ? `: task #${r.taskId} is done` : ''}`,
    );
  const byMerge = previewState(previews['merge-commit']);
  const byFastForward = previewState(previews['fast-forward']);
  const who = 'agent' in target ? target.agent : `task #${target.taskId}`;
  const title = diff ? `Review ${who}: ${diff.branch || '(detached)'} against ${diff.base}` : `Review ${who}`;
  const totals = files.reduce((t, f) => ({ a: t.a + f.addedLines, d: t.d + f.deletedLines }), { a: 0, d: 0 });
  // The kinds of mark the diff shows (all not committed, partly): the legend explains those.
  const marked = new Set(files.flatMap((f) => uncommitted.get(fileName(f))?.committedToo ?? []));
  return (
    <Modal title={title} onClose={onClose} wide>
      <div className="review" data-testid="review">
        <div className="review-bar">
          <span data-testid="review-summary">
            {files.length} file{files.length === 1 ? '' : 's'} <span className="added">+{totals.a}</span>{' '}
            <span className="removed">−{totals.d}</span>
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
          <button onClick={() => load()}>Refresh</button>
        </div>
        {marked.size > 0 && (
          <p className="review-legend" data-testid="review-legend">
            {[...marked].sort().map((committedToo) => (
              <UncommittedBadge key={String(committedToo)} committedToo={committedToo} />
            ))}{' '}
            changes in {diff?.agent}&rsquo;s worktree not committed yet: shown here, left out of a merge (it
            takes commits only).
          </p>
        )}
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
              uncommitted={uncommitted.get(fileName(f))}
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
          <p
            className={`review-preview${byMerge.mergeable ? '' : ' refused'}`}
            data-testid="review-merge-preview"
          >
            {byMerge.text}
          </p>
          <button
            disabled={busy || !byMerge.mergeable}
            onClick={() => merge('merge-commit')}
            title={byMerge.text}
            data-testid="review-merge"
          >
            Merge into {diff?.base ?? 'base'}
          </button>
          <button
            disabled={busy || !byFastForward.mergeable}
            onClick={() => merge('fast-forward')}
            data-testid="review-ff"
            title={byFastForward.text}
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
