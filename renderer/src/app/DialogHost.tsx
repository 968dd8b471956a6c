// The dialog open (app/dialog.ts says which), with what it shows.
import { useMemo } from 'react';
import { AddAgentDialog } from '../components/dialogs/AddAgentDialog.js';
import { NotificationsDialog } from '../components/dialogs/NotificationsDialog.js';
import { RemoveAgentDialog } from '../components/dialogs/RemoveAgentDialog.js';
import { ReviewDialog } from '../components/dialogs/ReviewDialog.js';
import { TabsDialog } from '../components/dialogs/TabsDialog.js';
import { ResourcesDialog } from '../components/dialogs/ResourcesDialog.js';
import { QueueDialog } from '../components/dialogs/QueueDialog.js';
import { TaskDetailDialog } from '../components/dialogs/TaskDetailDialog.js';
import { TaskEditor } from '../components/dialogs/TaskEditor.js';
import { agentNamed, type StudioState } from '../state/studioState.js';
import { reviewOf, type Dialog } from './dialog.js';

export function DialogHost({
  dialog,
  state,
  tabId,
  open,
  selectAgent,
}: {
  dialog: Dialog;
  state: StudioState;
  /** This browser tab's id in the studio's list of tabs (null in the desktop window). */
  tabId: number | null;
  /** Opens another dialog in its place; null closes it. */
  open(dialog: Dialog): void;
  /** Selects an agent's tile (the queue's "open"). */
  selectAgent(name: string): void;
}) {
  const close = () => open(null);
  const { agents, tasks, changes } = state;
  const review = useMemo(
    () => reviewOf(dialog, { agents, tasks, changes }),
    [dialog, agents, tasks, changes],
  );
  const removing = dialog?.kind === 'removeAgent' ? agentNamed(state, dialog.name) : undefined;
  if (review)
    return (
      <ReviewDialog
        target={review.target}
        {...(review.task ? { task: review.task } : {})}
        {...(review.changes ? { changes: review.changes } : {})}
        {...(review.task && state.checks[review.task.id] ? { check: state.checks[review.task.id] } : {})}
        onClose={close}
      />
    );
  if (removing) return <RemoveAgentDialog agent={removing} onClose={close} />;
  switch (dialog?.kind) {
    case 'addAgent':
      return <AddAgentDialog agents={state.agents} onClose={close} />;
    case 'newTask':
      return <TaskEditor key="new" agents={state.agents} onClose={close} />;
    case 'editTask':
      return <TaskEditor key={dialog.task.id} agents={state.agents} task={dialog.task} onClose={close} />;
    case 'notifications':
      return <NotificationsDialog onClose={close} />;
    case 'tabs':
      return <TabsDialog thisTab={tabId} onClose={close} />;
    case 'resources':
      return <ResourcesDialog onClose={close} />;
    case 'queue':
      return (
        <QueueDialog
          items={state.desk}
          {...(dialog.focus ? { focus: dialog.focus } : {})}
          onClose={close}
          onOpen={(item) => {
            if (item.kind === 'review' && item.taskId)
              return open({ kind: 'reviewTask', taskId: item.taskId });
            close();
            if (item.agent) selectAgent(item.agent);
          }}
        />
      );
    case 'task':
      return (
        <TaskDetailDialog
          id={dialog.id}
          version={state.tasks[dialog.id]?.updatedAt ?? 0}
          onEdit={(task) => open({ kind: 'editTask', task })}
          onClose={close}
        />
      );
    default:
      return null;
  }
}
