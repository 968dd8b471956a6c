import { memo } from 'react';
import type { TaskCheck } from '../../../main/contract/checks.js';
import { useDraggable, useDroppable } from '@dnd-kit/core';
import {
  TASK_STATUSES,
  type Task,
  type TaskStatus,
  type WorkspaceChanges,
} from '../../../main/contract/model.js';
import { cardId, COLUMN_LABELS, columnId, groupByColumn } from '../board/boardLogic.js';

/** A card's work: its assignee's changes while its worktree has the card's branch checked out. */
export type ChangesOf = (task: Task) => WorkspaceChanges | undefined;
/** A card's latest check run. */
export type CheckOf = (task: Task) => TaskCheck | undefined;

export function TaskCardBody({
  task,
  changes,
  check,
  onReview,
}: {
  task: Task;
  changes?: WorkspaceChanges | undefined;
  /** Its latest check run (passed, failed, running): what a merge will say of it. */
  check?: TaskCheck | undefined;
  onReview?(id: number): void;
}) {
  return (
    <>
      <div className="card-title">
        <span className="card-id">#{task.id}</span> {task.title}
      </div>
      <div className="card-meta">
        <span className={`priority p-${task.priority}`}>{task.priority}</span>
        {task.assignee && <span className="card-assignee">→ {task.assignee}</span>}
        {task.blockedBy.length > 0 && (
          <span className="card-blocked">blocked by {task.blockedBy.map((b) => `#${b}`).join(' ')}</span>
        )}
      </div>
      {task.branch && (
        <div className="card-branch" title="The git branch this task's work is on">
          <span data-testid={`card-branch-${task.id}`}>⎇ {task.branch}</span>
          {changes && changes.total.files > 0 && (
            <span className="card-changes" data-testid={`card-changes-${task.id}`}>
              {changes.total.files} file{changes.total.files === 1 ? '' : 's'}{' '}
              <span className="added">+{changes.total.added}</span>{' '}
              <span className="removed">−{changes.total.removed}</span>
            </span>
          )}
          {check && (
            <span
              className={`badge card-check check-${check.state}`}
              data-testid={`card-check-${task.id}`}
              title={
                check.state === 'failed' ? check.tail.slice(-3).join('\n') : `Its check: ${check.command}`
              }
            >
              check {check.state}
            </span>
          )}
          {onReview && task.assignee && (
            <button
              className="card-review"
              // The card itself opens on click and drags on a move: the button keeps its own click.
              onPointerDown={(e) => e.stopPropagation()}
              onClick={(e) => {
                e.stopPropagation();
                onReview(task.id);
              }}
              data-testid={`card-review-${task.id}`}
              title="Its diff against the base: merge it, send it back, or open a pull request"
            >
              Review
            </button>
          )}
        </div>
      )}
    </>
  );
}

function Card({
  task,
  changesOf,
  checkOf,
  onOpen,
  onReview,
}: {
  task: Task;
  changesOf: ChangesOf;
  checkOf?: CheckOf | undefined;
  onOpen(id: number): void;
  onReview(id: number): void;
}) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: cardId(task.id) });
  return (
    <div
      ref={setNodeRef}
      className={`card${isDragging ? ' dragging' : ''}`}
      data-testid={`card-${task.id}`}
      data-status={task.status}
      {...attributes}
      {...listeners}
      onClick={() => onOpen(task.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onOpen(task.id);
        listeners?.onKeyDown?.(e);
      }}
    >
      <TaskCardBody task={task} changes={changesOf(task)} check={checkOf?.(task)} onReview={onReview} />
    </div>
  );
}

function Column({
  status,
  tasks,
  changesOf,
  checkOf,
  onOpen,
  onReview,
}: {
  status: TaskStatus;
  tasks: Task[];
  changesOf: ChangesOf;
  checkOf?: CheckOf | undefined;
  onOpen(id: number): void;
  onReview(id: number): void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: columnId(status) });
  return (
    <div ref={setNodeRef} className={`column${isOver ? ' drop-over' : ''}`} data-testid={`column-${status}`}>
      <h3>
        {COLUMN_LABELS[status]} <span className="count">{tasks.length}</span>
      </h3>
      <div className="column-cards">
        {tasks.map((t) => (
          <Card
            key={t.id}
            task={t}
            changesOf={changesOf}
            checkOf={checkOf}
            onOpen={onOpen}
            onReview={onReview}
          />
        ))}
      </div>
    </div>
  );
}

export const Board = memo(function Board({
  tasks,
  changesOf,
  checkOf,
  onOpen,
  onNew,
  onReview,
}: {
  tasks: Task[];
  changesOf: ChangesOf;
  checkOf?: CheckOf | undefined;
  onOpen(id: number): void;
  onNew(): void;
  /** Opens the review of a card's branch. */
  onReview(id: number): void;
}) {
  const columns = groupByColumn(tasks);
  return (
    <section className="board" aria-label="Task board" data-testid="board">
      <header className="panel-header">
        <h2>Board</h2>
        <button onClick={onNew} data-testid="new-task">
          New task
        </button>
      </header>
      <div className="columns">
        {TASK_STATUSES.map((s) => (
          <Column
            key={s}
            status={s}
            tasks={columns[s]}
            changesOf={changesOf}
            checkOf={checkOf}
            onOpen={onOpen}
            onReview={onReview}
          />
        ))}
      </div>
    </section>
  );
});
