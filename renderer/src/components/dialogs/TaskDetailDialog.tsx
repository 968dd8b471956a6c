import { useEffect, useState } from 'react';
import type { TaskDetail } from '../../../../main/contract/model.js';
import { useStudio } from '../../context/StudioContext.js';
import { Modal } from './Modal.js';

/** A task with its result and history, kept current while it is open. */
export function TaskDetailDialog({
  id,
  version,
  onEdit,
  onClose,
}: {
  id: number;
  /** Bumps when the task changes, so the history reloads live. */
  version: number;
  onEdit(task: TaskDetail): void;
  onClose(): void;
}) {
  const { client } = useStudio();
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.getTask(id).then(setTask, (err: Error) => setError(err.message));
  }, [client, id, version]);
  return (
    <Modal title={task ? `#${task.id} ${task.title}` : `Task #${id}`} onClose={onClose}>
      {error && <p className="form-error">{error}</p>}
      {task && (
        <div className="task-detail" data-testid="task-detail">
          <p className="card-meta">
            <span className={`priority p-${task.priority}`}>{task.priority}</span>{' '}
            {task.status.replace('_', ' ')}
            {task.assignee ? ` · ${task.assignee}` : ' · unassigned'} · from {task.dispatcher}
            {task.blockedBy.length > 0 && ` · blocked by ${task.blockedBy.map((b) => `#${b}`).join(', ')}`}
          </p>
          {task.body && <pre className="task-body">{task.body}</pre>}
          {task.result && (
            <>
              <h3>Result</h3>
              <pre className="task-body" data-testid="task-result">
                {task.result}
              </pre>
            </>
          )}
          <h3>History</h3>
          <ol className="history">
            {task.events.map((e) => (
              <li key={e.id}>
                <time>{new Date(e.createdAt).toLocaleString()}</time> <b>{e.actor}</b> {e.kind}
                {e.toStatus && e.kind === 'status' ? ` → ${e.toStatus}` : ''}
                {e.note ? `: ${e.note}` : ''}
              </li>
            ))}
          </ol>
          <footer>
            <button onClick={() => onEdit(task)}>Edit</button>
          </footer>
        </div>
      )}
    </Modal>
  );
}
