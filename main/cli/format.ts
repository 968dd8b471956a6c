import type { StudioStatus, Task } from '../contract/model.js';
import { printableLine } from './printable.js';

/** The line a person pastes on the agent's machine; single quotes keep the shell out of the token. */
export function mcpAddLine(url: string, token: string): string {
  return `claude mcp add --transport http studio ${url} --header 'Authorization: Bearer ${token}'`;
}

export function formatTasks(tasks: Task[]): string {
  if (!tasks.length) return 'No tasks.';
  return tasks
    .map(
      (t) =>
        `#${String(t.id).padEnd(4)} ${t.status.padEnd(11)} ${t.priority.padEnd(6)} ${(t.assignee ?? '-').padEnd(12)} ${printableLine(t.title)}`,
    )
    .join('\n');
}

export function formatStatus(s: StudioStatus): string {
  const lines = ['Agents:'];
  for (const a of s.agents) {
    const tags = [
      a.kind === 'person' ? 'person' : a.state,
      a.commander ? 'commander' : '',
      a.remote ? 'remote' : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `  ${a.name.padEnd(16)} ${tags.padEnd(24)} unread ${a.unread}  tasks ${a.openTasks}  ${printableLine(a.summary)}`,
    );
  }
  lines.push(
    'Tasks: ' +
      Object.entries(s.taskCounts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
  if (s.openTasks.length) lines.push(formatTasks(s.openTasks).replace(/^/gm, '  '));
  if (s.activity.length) {
    lines.push('Recent:');
    for (const a of s.activity)
      lines.push(`  ${new Date(a.at).toISOString().slice(11, 19)} ${a.actor} ${printableLine(a.text)}`);
  }
  return lines.join('\n');
}
