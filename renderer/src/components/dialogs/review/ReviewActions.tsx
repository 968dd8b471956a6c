import type { MergeMode, WorkspaceDiff } from '../../../../../main/contract/model.js';
import type { Preview, Previews } from './useWorkReview.js';

/** The preview's sentence, and whether its button may be pressed: the two come from one place. */
export function previewState(p: Preview): { text: string; mergeable: boolean } {
  if (!p) return { text: 'Checking what a merge would do…', mergeable: false };
  if ('failed' in p) return { text: `Cannot merge: ${p.failed}`, mergeable: false };
  return { text: p.preview.text, mergeable: p.preview.refusal === null };
}

/** What a merge would do, then merge, fast-forward, send back (a card's review) or open a pull request. */
export function ReviewActions({
  diff,
  previews,
  busy,
  hasFiles,
  onMerge,
  onForceMerge,
  onSendBack,
  onPullRequest,
}: {
  diff: WorkspaceDiff | null;
  previews: Previews;
  busy: boolean;
  hasFiles: boolean;
  onMerge(mode: MergeMode): void;
  /** The person's word that a task merges past its check (failed, stale, never ran). */
  onForceMerge(): void;
  /** Absent when reviewing an agent's worktree: there is no card to send back. */
  onSendBack?: (() => void) | undefined;
  onPullRequest(): void;
}) {
  const byMerge = previewState(previews['merge-commit']);
  const byFastForward = previewState(previews['fast-forward']);
  return (
    <footer className="review-actions">
      <p
        className={`review-preview${byMerge.mergeable ? '' : ' refused'}`}
        data-testid="review-merge-preview"
      >
        {byMerge.text}
      </p>
      <button
        disabled={busy || !byMerge.mergeable}
        onClick={() => onMerge('merge-commit')}
        title={byMerge.text}
        data-testid="review-merge"
      >
        Merge into {diff?.base ?? 'base'}
      </button>
      {previews['merge-commit'] &&
        'preview' in previews['merge-commit'] &&
        previews['merge-commit'].preview.refusal === 'check' && (
          <button
            disabled={busy}
            onClick={() => {
              if (window.confirm(`${byMerge.text}\n\nMerge anyway?`)) onForceMerge();
            }}
            data-testid="review-merge-anyway"
          >
            Merge anyway…
          </button>
        )}
      <button
        disabled={busy || !byFastForward.mergeable}
        onClick={() => onMerge('fast-forward')}
        data-testid="review-ff"
        title={byFastForward.text}
      >
        Fast-forward
      </button>
      {onSendBack && (
        <button disabled={busy} onClick={onSendBack} data-testid="review-send-back">
          Send back…
        </button>
      )}
      <button
        // No remote, nothing to push to: said before it is pressed, not after.
        disabled={busy || !hasFiles || !diff?.remote}
        onClick={onPullRequest}
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
  );
}

/** The note a card goes back to its assignee with. */
export function SendBackNote({
  note,
  assignee,
  pending,
  busy,
  onChange,
  onSend,
}: {
  note: string;
  assignee: string | null;
  /** Line comments that go with it. */
  pending: number;
  busy: boolean;
  onChange(note: string): void;
  onSend(): void;
}) {
  return (
    <div className="review-note">
      <textarea
        autoFocus
        rows={3}
        value={note}
        onChange={(e) => onChange(e.target.value)}
        placeholder={`What should ${assignee} change?`}
        data-testid="review-note"
      />
      <button
        disabled={busy || (!note.trim() && !pending)}
        onClick={onSend}
        data-testid="review-send-back-confirm"
      >
        {pending
          ? `Send back with ${pending} comment${pending === 1 ? '' : 's'}${note.trim() ? ' and this note' : ''}`
          : 'Send back with this note'}
      </button>
    </div>
  );
}
