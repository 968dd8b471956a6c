import { useState } from 'react';
import { TASK_PRIORITIES, type TaskDetail, type TaskPriority } from '../../../../main/contract/model.js';
import { parseBlockers } from '../../board/boardLogic.js';
import { useStudio } from '../../context/StudioContext.js';
import type { AgentView } from '../../state/studioState.js';
import { useSubmit } from '../forms/forms.js';
import { Modal } from './Modal.js';

interface TaskEditorProps {
  agents: AgentView[];
  /** Editing an existing task; absent for a new one. */
  task?: TaskDetail;
  onClose(): void;
}

export function TaskEditor({ agents, task, onClose }: TaskEditorProps) {
  const { client, notify } = useStudio();
  const [title, setTitle] = useState(task?.title ?? '');
  const [body, setBody] = useState(task?.body ?? '');
  const [priority, setPriority] = useState<TaskPriority>(task?.priority ?? 'normal');
  const [blockers, setBlockers] = useState(task?.blockedBy.join(', ') ?? '');
  const [assignee, setAssignee] = useState('');
  const { error, busy, submit } = useSubmit(onClose);
  const run = async () => {
    const parsed = parseBlockers(blockers);
    if (!parsed.ok) throw new Error(parsed.error);
    const saved = task
      ? await client.updateTask({ id: task.id, title, body, priority, blockedBy: parsed.ids })
      : await client.createTask({
          title,
          body,
          priority,
          ...(parsed.ids.length ? { blockedBy: parsed.ids } : {}),
          ...(assignee ? { assignee } : {}),
        });
    if (saved.warning) notify(saved.warning, true);
  };
  return (
    <Modal title={task ? `Edit #${task.id}` : 'New task'} onClose={onClose}>
      <form className="form" onSubmit={submit(run)} data-testid="task-form">
        <label>
          Title
          <input autoFocus required value={title} onChange={(e) => setTitle(e.target.value)} name="title" />
        </label>
        <label>
          Details
          <textarea rows={5} value={body} onChange={(e) => setBody(e.target.value)} name="body" />
        </label>
        <label>
          Priority
          <select
            value={priority}
            onChange={(e) => setPriority(e.target.value as TaskPriority)}
            name="priority"
          >
            {TASK_PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Blocked by (task numbers)
          <input
            value={blockers}
            onChange={(e) => setBlockers(e.target.value)}
            placeholder="3, 7"
            name="blockedBy"
          />
        </label>
        {!task && (
          <label>
            Dispatch to
            <select value={assignee} onChange={(e) => setAssignee(e.target.value)} name="assignee">
              <option value="">(backlog: drag it onto a tile later)</option>
              {agents
                .filter((a) => a.kind === 'agent')
                .map((a) => (
                  <option key={a.id}>{a.name}</option>
                ))}
            </select>
          </label>
        )}
        {error && <p className="form-error">{error}</p>}
        <footer>
          <button type="submit" disabled={busy}>
            {task ? 'Save' : 'Create'}
          </button>
        </footer>
      </form>
    </Modal>
  );
}
