import type { MessageType } from '../../contract/model.js';

/** Senders named in one prompt; past this it says "and N others". */
const MAX_NAMED_SENDERS = 4;

/**
 * One line that tells a woken agent who wrote, how much, and which tool to call. It carries no
 * message text: the body stays in the inbox, where the agent reads it through check_inbox.
 */
export function composeWakePrompt(
  queued: Array<{ from: string; type: MessageType; taskId: number | null }>,
): string {
  const tasks = queued.filter((q) => q.type === 'task' && q.taskId !== null);
  const others = queued.filter((q) => !(q.type === 'task' && q.taskId !== null));
  const parts: string[] = [];
  if (tasks.length) {
    const ids = [...new Set(tasks.map((t) => `#${t.taskId}`))].join(', ');
    const from = names(tasks.map((t) => t.from));
    parts.push(`${tasks.length === 1 ? 'a new task' : `${tasks.length} new tasks`} (${ids}) from ${from}`);
  }
  if (others.length) {
    parts.push(
      `${others.length === 1 ? '1 new message' : `${others.length} new messages`} from ${names(others.map((o) => o.from))}`,
    );
  }
  return `[studio] You have ${parts.join(' and ')}. Call check_inbox now and act on ${queued.length === 1 ? 'it' : 'them'}.`;
}

/**
 * The line a busy agent gets at its next tool call when urgent mail is waiting: who, how many,
 * which tool. As with every notice, the text itself stays in the inbox.
 */
export function composeUrgentNotice(urgent: Array<{ from: string }>): string {
  const count = urgent.length === 1 ? '1 urgent message' : `${urgent.length} urgent messages`;
  return `[studio] You have ${count} from ${names(urgent.map((u) => u.from))}. Call check_inbox now, before you go on.`;
}

function names(all: string[]): string {
  const unique = [...new Set(all)];
  if (unique.length <= MAX_NAMED_SENDERS) return unique.join(', ');
  return `${unique.slice(0, MAX_NAMED_SENDERS).join(', ')} and ${unique.length - MAX_NAMED_SENDERS} others`;
}
