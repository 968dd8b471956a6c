import type { DiffFile } from 'diff2html/lib/types';
import { useState } from 'react';
import type { WorkspaceDiff } from '../../../../../main/contract/model.js';
import type { ReviewComment } from '../../../../../main/contract/review.js';
import {
  FileDiff,
  fileName,
  startsOpen,
  UncommittedBadge,
  type DiffLayout,
  type Uncommitted,
} from './FileDiff.js';

/** Which files are open: each starts as startsOpen says until the person opens or closes it. */
export function useOpenFiles(files: DiffFile[]) {
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const isOpen = (f: DiffFile) => open[fileName(f)] ?? startsOpen(f, files.length);
  return {
    isOpen,
    toggle: (f: DiffFile) => setOpen((o) => ({ ...o, [fileName(f)]: !isOpen(f) })),
    setAll: (value: boolean) => setOpen(Object.fromEntries(files.map((f) => [fileName(f), value]))),
  };
}

/** The diff's size, and how it is shown: unified or side by side, files open or closed, read again. */
export function ReviewBar({
  files,
  layout,
  onLayout,
  onAll,
  onRefresh,
}: {
  files: DiffFile[];
  layout: DiffLayout;
  onLayout(layout: DiffLayout): void;
  onAll(open: boolean): void;
  onRefresh(): void;
}) {
  const totals = files.reduce((t, f) => ({ a: t.a + f.addedLines, d: t.d + f.deletedLines }), { a: 0, d: 0 });
  return (
    <div className="review-bar">
      <span data-testid="review-summary">
        {files.length} file{files.length === 1 ? '' : 's'} <span className="added">+{totals.a}</span>{' '}
        <span className="removed">−{totals.d}</span>
      </span>
      <span className="spacer" />
      <button
        onClick={() => onLayout(layout === 'line-by-line' ? 'side-by-side' : 'line-by-line')}
        data-testid="review-layout"
      >
        {layout === 'line-by-line' ? 'Side by side' : 'Unified'}
      </button>
      <button onClick={() => onAll(true)}>Expand all</button>
      <button onClick={() => onAll(false)}>Collapse all</button>
      <button onClick={() => onRefresh()}>Refresh</button>
    </div>
  );
}

/** What the marks on files not committed mean, for the kinds of mark the diff shows. */
export function UncommittedLegend({ marked, agent }: { marked: Set<boolean>; agent: string | undefined }) {
  return (
    <p className="review-legend" data-testid="review-legend">
      {[...marked].sort().map((committedToo) => (
        <UncommittedBadge key={String(committedToo)} committedToo={committedToo} />
      ))}{' '}
      changes in {agent}&rsquo;s worktree not committed yet: shown here, left out of a merge (it takes commits
      only).
    </p>
  );
}

export function ReviewFiles({
  diff,
  files,
  layout,
  uncommitted,
  opened,
  comments,
  onComment,
}: {
  diff: WorkspaceDiff | null;
  files: DiffFile[];
  layout: DiffLayout;
  uncommitted: Map<string, Uncommitted>;
  opened: ReturnType<typeof useOpenFiles>;
  /** A task's line comments (none for an agent's worktree), and how to add one. */
  comments: ReviewComment[];
  onComment?: ((file: string, line: number, text: string) => Promise<void>) | undefined;
}) {
  return (
    <div className="review-files">
      {diff && !files.length && <p className="empty">No changes against {diff.base}.</p>}
      {files.map((f) => (
        <FileDiff
          key={fileName(f)}
          file={f}
          layout={layout}
          open={opened.isOpen(f)}
          onToggle={() => opened.toggle(f)}
          uncommitted={uncommitted.get(fileName(f))}
          comments={comments.filter((c) => c.file === fileName(f))}
          onComment={onComment && ((line, text) => onComment(fileName(f), line, text))}
        />
      ))}
      {diff?.truncated && <p className="empty">The diff is cut here: it is too large to show whole.</p>}
    </div>
  );
}
