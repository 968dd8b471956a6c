import type { TaskCheck } from './checks.js';
import type { DeskItem } from './desk.js';
import type {
  Agent,
  Attention,
  QuotaKind,
  DeliveryState,
  DeliveryVia,
  Message,
  TabSession,
  Task,
  TaskEvent,
  WorkspaceChanges,
} from './model.js';

/** Every change in the studio is one of these; UI, wake engine and feed subscribe instead of polling. */
export type StudioEvent =
  | { type: 'agent.added'; agent: Agent }
  | { type: 'agent.updated'; agent: Agent }
  | { type: 'agent.removed'; agentId: number; name: string }
  | { type: 'message.sent'; message: Message; recipients: Array<{ id: number; name: string }> }
  | {
      type: 'delivery.changed';
      agentId: number;
      messageIds: number[];
      state: DeliveryState;
      /** When it changed (ms since epoch); how it was announced, for `woken`. */
      at: number;
      via?: DeliveryVia;
    }
  | { type: 'topic.subscription'; agent: string; topic: string; subscribed: boolean }
  | { type: 'task.created'; task: Task; event: TaskEvent }
  | { type: 'task.updated'; task: Task; event: TaskEvent }
  | { type: 'workspace.changed'; agentId: number; changes: WorkspaceChanges }
  | {
      /** An agent's call was refused: it had stored its hour's worth of this kind (nothing was written). */
      type: 'quota.refused';
      agentId: number;
      agent: string;
      kind: QuotaKind;
      /** What it stored in the hour, against what it may, in words. */
      detail: string;
      /** When its oldest write leaves the hour and there is room for the refused one. */
      resetsAt: number;
    }
  | { type: 'attention'; attention: Attention }
  /** A task's check was queued, started or finished (see contract/checks.ts). */
  | { type: 'check.changed'; check: TaskCheck }
  /** What waits for the person changed: the whole queue, oldest first (see core/desk). */
  | { type: 'desk.changed'; items: DeskItem[] }
  /** A browser tab was let in, connected, left or was ended: the tabs as they are now. */
  | { type: 'tabs.changed'; tabs: TabSession[] }
  /** A one-time link's code was presented again; the tab its first use let in (if any) was ended. */
  | { type: 'tabs.linkReplayed'; endedTabId: number | null };

export type StudioEventType = StudioEvent['type'];

/** Returned by anything that subscribes; calling it twice is harmless. */
export interface Disposable {
  dispose(): void;
}
