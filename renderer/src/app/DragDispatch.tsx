// Dragging a card: onto a column changes its status, onto a tile dispatches it to that agent
// (board/boardLogic.ts's planDrop says what a drop means); the outcome is said in a notice.
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  type CollisionDetection,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useState, type ReactNode } from 'react';
import type { Task } from '../../../main/contract/model.js';
import { parseCard, parseTarget, planDrop } from '../board/boardLogic.js';
import { TaskCardBody, type ChangesOf } from '../components/Board.js';
import type { AgentView } from '../state/studioState.js';
import { useStudio } from '../context/StudioContext.js';

/** A few pixels of movement before a drag starts, so a click still opens the card. */
const DRAG_AFTER_PX = 5;

/**
 * The drop target is what the pointer is over (a wide card overlay half across two columns must
 * not land in the one the pointer left); keyboard drags have no pointer and use the overlap.
 */
const dropTarget: CollisionDetection = (args) => {
  const under = pointerWithin(args);
  return under.length ? under : rectIntersection(args);
};

export function DragDispatch({
  tasks,
  agents,
  changesOf,
  children,
}: {
  tasks: Record<number, Task>;
  agents: AgentView[];
  changesOf: ChangesOf;
  children: ReactNode;
}) {
  const { client, notify } = useStudio();
  const [dragging, setDragging] = useState<number | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: DRAG_AFTER_PX } }),
    useSensor(KeyboardSensor),
  );
  const onDragStart = (e: DragStartEvent) => setDragging(parseCard(e.active.id));
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const id = parseCard(e.active.id);
    const target = parseTarget(e.over?.id);
    const task = id !== null ? tasks[id] : undefined;
    if (!task || !target) return;
    const plan = planDrop(task, target, agents);
    if (plan.kind === 'refuse') return notify(plan.reason, true);
    if (plan.kind === 'kick')
      return void client.kickAgent(plan.agent).then(
        () => notify(plan.describe),
        (err: Error) => notify(err.message, true),
      );
    if (plan.kind === 'update')
      client.updateTask(plan.input).then(
        // Dispatched to an agent that will not be woken (exited, remote): said, not hidden.
        (task) => notify(task.warning ? `${plan.describe}. ${task.warning}` : plan.describe, !!task.warning),
        (err: Error) => notify(err.message, true),
      );
  };
  const dragged = dragging !== null ? tasks[dragging] : undefined;
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={dropTarget}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragging(null)}
    >
      {children}
      <DragOverlay>
        {dragged ? (
          <div className="card overlay">
            <TaskCardBody task={dragged} changes={changesOf(dragged)} />
          </div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}
