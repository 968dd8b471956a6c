// Reviewing an agent's work: its diff against the base (diff2html: unified or side by side, large
// files collapsed, files not committed marked), what a merge would do, then merge, send back with
// a note, or open a pull request. The pieces are in review/.
import { parse as parseDiff } from 'diff2html';
import { useMemo, useState } from 'react';
import type { MergeMode, Task, WorkspaceChanges } from '../../../../main/contract/model.js';
import type { WorkTarget } from '../../../../main/contract/service.js';
import { useStudio } from '../../context/StudioContext.js';
import { Modal } from './Modal.js';
import { fileName, type DiffLayout } from './review/FileDiff.js';
import { ReviewActions, SendBackNote } from './review/ReviewActions.js';
import { ReviewBar, ReviewFiles, UncommittedLegend, useOpenFiles } from './review/ReviewFiles.js';
import { useReviewAct, useWorkReview } from './review/useWorkReview.js';
import { useTaskComments } from './review/useTaskComments.js';
import { TaskCheckLine } from './review/TaskCheckLine.js';
import type { TaskCheck } from '../../../../main/contract/checks.js';

interface MergeDone {
  branch: string;
  into: string;
  commit: string;
  taskId?: number;
}

export function ReviewDialog({
  target,
  task,
  changes,
  check,
  onClose,
}: {
  target: WorkTarget;
  /** The card reviewed (for send back and its status); absent when reviewing an agent's worktree. */
  task?: Task;
  /** The agent's latest changes: the review reads again when they move. */
  changes?: WorkspaceChanges;
  /** The task's latest check run, as the window last heard of it. */
  check?: TaskCheck;
  onClose(): void;
}) {
  const { client, notify } = useStudio();
  const [sinceReview, setSinceReview] = useState(false);
  const shown = sinceReview && 'taskId' in target ? { ...target, sinceReview: true } : target;
  const { diff, previews, error, setError, load } = useWorkReview(client, target, changes?.at, shown);
  const comments = useTaskComments(client, task?.id, setError);
  const { busy, act } = useReviewAct({ notify, onClose, setError, load });
  const [layout, setLayout] = useState<DiffLayout>('line-by-line');
  const [note, setNote] = useState<string | null>(null);
  const files = useMemo(() => (diff ? parseDiff(diff.patch) : []), [diff]);
  const opened = useOpenFiles(files);
  const uncommitted = useMemo(
    () => new Map((diff?.uncommittedFiles ?? []).map((f) => [f.path, { committedToo: f.committedToo }])),
    [diff],
  );
  // The kinds of mark the diff shows (all not committed, partly): the legend explains those.
  const marked = new Set(files.flatMap((f) => uncommitted.get(fileName(f))?.committedToo ?? []));
  const merge = (mode: MergeMode, force = false) =>
    act(
      // What the person looked at: commits that arrived since refuse the merge.
      client.merge({
        ...target,
        mode,
        ...(diff ? { reviewed: diff.head } : {}),
        ...(force ? { force } : {}),
      }),
      (r: MergeDone) =>
        `Merged ${r.branch} into ${r.into} (${r.commit.slice(0, 10)})${r.taskId ? `: task #${r.taskId} is done` : ''}`,
    );
  const who = 'agent' in target ? target.agent : `task #${target.taskId}`;
  const title = diff ? `Review ${who}: ${diff.branch || '(detached)'} against ${diff.base}` : `Review ${who}`;
  return (
    <Modal title={title} onClose={onClose} wide>
      <div className="review" data-testid="review">
        <ReviewBar
          files={files}
          layout={layout}
          onLayout={setLayout}
          onAll={opened.setAll}
          onRefresh={load}
        />
        {marked.size > 0 && <UncommittedLegend marked={marked} agent={diff?.agent} />}
        {task && <TaskCheckLine client={client} taskId={task.id} {...(check ? { run: check } : {})} />}
        {comments.reviewedBefore && (
          <label className="review-since">
            <input
              type="checkbox"
              checked={sinceReview}
              onChange={(e) => setSinceReview(e.target.checked)}
              data-testid="review-since"
            />{' '}
            Only what changed since you last sent it back
          </label>
        )}
        {error && (
          <p className="form-error" role="alert" data-testid="review-error">
            {error}
          </p>
        )}
        <ReviewFiles
          diff={diff}
          files={files}
          layout={layout}
          uncommitted={uncommitted}
          opened={opened}
          comments={comments.comments}
          onComment={comments.add}
        />
        {note !== null && task && (
          <SendBackNote
            note={note}
            assignee={task.assignee}
            pending={comments.pending}
            busy={busy}
            onChange={setNote}
            onSend={() =>
              act(
                client.sendBack({ taskId: task.id, ...(note.trim() ? { note: note.trim() } : {}) }),
                () => `Sent #${task.id} back to ${task.assignee}`,
              )
            }
          />
        )}
        <ReviewActions
          diff={diff}
          previews={previews}
          busy={busy}
          hasFiles={files.length > 0}
          onMerge={merge}
          onForceMerge={() => merge('merge-commit', true)}
          onSendBack={task ? () => setNote(note === null ? '' : null) : undefined}
          onPullRequest={() => act(client.openPullRequest(target), (url: string) => `Opened ${url}`)}
        />
      </div>
    </Modal>
  );
}
