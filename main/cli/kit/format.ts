import type { ReviewComment } from '../../contract/review.js';
import type { CheckStatus } from '../../contract/checks.js';
import { sshHostLabel } from '../../contract/ssh.js';
import type {
  Agent,
  ChangeCounts,
  NotifyStatus,
  FileChange,
  StudioStatus,
  TabSession,
  Task,
  WorkspaceChanges,
} from '../../contract/model.js';
import { browserLabel, tabVia } from '../../contract/tabs.js';
import { describeExit } from '../../contract/exits.js';
import { compactCount, describeBudget, describeDelivery, formatBytes } from '../../contract/delivery.js';
import { printableLine } from './printable.js';
import { shellWord } from './ccstudioCommand.js';

/** The command line that runs `words` with this ccstudio (see ccstudioCommand.ts). */
export type CommandLine = (words: string) => string;
const plainCommand: CommandLine = (words) => `ccstudio ${words}`;

/** The line a person pastes on the agent's machine; single quotes keep the shell out of the token. */
export function mcpAddLine(url: string, token: string): string {
  return `claude mcp add --transport http studio ${url} --header 'Authorization: Bearer ${token}'`;
}

/**
 * What an agent is doing, in words: the person is "you"; an agent the studio has not heard from
 * yet is "not started" (local) or "not connected yet" (remote), never a bare "unknown".
 */
export function agentStateLabel(
  a: Pick<Agent, 'kind' | 'state' | 'remote' | 'lastSeenAt'> & Partial<Pick<Agent, 'cliVersion'>>,
): string {
  if (a.kind === 'person') return 'you (person)';
  if (a.state === 'unknown') return a.remote ? (a.lastSeenAt ? 'seen' : 'not connected yet') : 'not started';
  if (a.state === 'unrecognised')
    return `unrecognised screen${a.cliVersion ? ` (Claude Code ${a.cliVersion})` : ''}`;
  if (a.state === 'waiting_trust') return 'waiting for you: trust this folder?';
  if (a.state === 'waiting_login') return 'waiting for you: not logged in';
  return a.state.replace(/_/g, ' ');
}

/** Lines of an exit shown under its agent: enough for all of Claude Code's service check. */
const EXIT_LINES_SHOWN = 6;

/**
 * Why an agent is not running, under its line: how it ended, whether the studio restarts it,
 * what to try (the cause first, and that the studio gave up, when it did), then its last lines.
 */
export function exitLines(a: Pick<Agent, 'state' | 'lastExit'>, indent = '    '): string[] {
  const e = a.lastExit;
  if (!e || a.state !== 'exited') return [];
  const status = e.restartAt ? ' (the studio is restarting it)' : '';
  return [
    `${indent}${describeExit(e)}${status}. ${printableLine(e.advice)}`,
    ...e.tail.slice(-EXIT_LINES_SHOWN).map((l) => `${indent}| ${printableLine(l)}`),
  ];
}

/** What the person does for an agent waiting on something only they can do; undefined otherwise. */
export function waitingHint(
  a: Pick<Agent, 'name' | 'state' | 'cwd'>,
  cmd: CommandLine = plainCommand,
): string | undefined {
  const page = `in the studio's page (\`${cmd('open')}\`)`;
  if (a.state === 'waiting_trust')
    return `Claude Code asks whether you trust ${printableLine(a.cwd) || 'its folder'} (its first start there): answer in its terminal ${page}.`;
  if (a.state === 'waiting_login')
    return `Claude Code is not logged in: type /login in its terminal ${page}, or run \`claude\` in a terminal and log in, then \`${cmd(`agent restart ${shellWord(a.name)}`)}\`.`;
  return undefined;
}

/** The hint above, as the lines under an agent in a listing. */
function waitingLines(a: Pick<Agent, 'name' | 'state' | 'cwd'>, indent: string, cmd: CommandLine): string[] {
  const hint = waitingHint(a, cmd);
  return hint ? [`${indent}${hint}`] : [];
}

/**
 * `agent list`: name, what it is, its state, its role; why an exited agent is not running, and
 * what to do for one that waits on the person.
 */
export function formatAgents(agents: Agent[], cmd: CommandLine = plainCommand): string {
  return agents
    .flatMap((a) => {
      if (a.kind === 'person') return [`${a.name.padEnd(16)} ${agentStateLabel(a)}`];
      const kind = `${a.remote ? 'remote ' : ''}${a.commander ? 'commander' : 'agent'}${a.ssh ? ` on ${sshHostLabel(a.ssh.dest)}` : ''}`;
      return [
        `${a.name.padEnd(16)} ${kind.padEnd(16)} ${agentStateLabel(a).padEnd(18)} ${printableLine(a.role)}`.trimEnd(),
        ...exitLines(a),
        ...waitingLines(a, '    ', cmd),
        ...(a.workspace
          ? [`    worktree ${a.workspace.path} (${a.workspace.branch} from ${a.workspace.base})`]
          : []),
      ];
    })
    .join('\n');
}

/** A terminal's screen as text: its rows without their trailing spaces, and no blank rows below the last line. */
export function trimScreen(screen: string): string {
  return screen
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

export function formatTasks(tasks: Task[]): string {
  if (!tasks.length) return 'No tasks.';
  return tasks
    .map(
      (t) =>
        `#${String(t.id).padEnd(4)} ${t.status.padEnd(11)} ${t.priority.padEnd(6)} ${(t.assignee ?? '-').padEnd(12)} ${printableLine(t.title)}${t.branch ? `  [${t.branch}]` : ''}`,
    )
    .join('\n');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const counts = (c: ChangeCounts) => `${plural(c.files, 'file').padEnd(9)} +${c.added} −${c.removed}`;
const MARK: Record<FileChange['status'], string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  untracked: '?',
  other: '~',
};
/** Files listed under `agent changes`; --json has them all. */
const FILES_SHOWN = 50;

/** `agent changes`: the branch against its base, then committed, uncommitted, and the files. */
export function formatChanges(c: WorkspaceChanges): string {
  const lines = [
    `${c.agent}: ${c.branch || '(detached HEAD)'} against ${c.base} (${c.ahead} ahead, ${c.behind} behind) in ${c.path}`,
    `  committed:   ${counts(c.committed)}`,
    `  uncommitted: ${counts(c.uncommitted)}`,
  ];
  if (!c.files.length) return [...lines, '  No changes.'].join('\n');
  for (const f of c.files.slice(0, FILES_SHOWN)) {
    const where = [f.committed ? 'committed' : '', f.uncommitted ? 'uncommitted' : '']
      .filter(Boolean)
      .join(', ');
    const size = f.binary ? 'binary' : `+${f.added} −${f.removed}`;
    lines.push(`  ${MARK[f.status]} ${printableLine(f.path).padEnd(40)} ${size.padEnd(12)} ${where}`);
  }
  const more = c.files.length - FILES_SHOWN + (c.filesTruncated ? 1 : 0);
  if (more > 0)
    lines.push(`  … and more (--json lists ${c.filesTruncated ? 'the first ' : ''}${c.files.length})`);
  return lines.join('\n');
}

export function formatStatus(s: StudioStatus, cmd: CommandLine = plainCommand): string {
  const lines = ['Agents:'];
  for (const a of s.agents) {
    const tags = [
      agentStateLabel(a),
      a.commander ? 'commander' : '',
      a.remote ? 'remote' : '',
      a.ssh ? `on ${sshHostLabel(a.ssh.dest)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const used = a.usage
      ? `  ${compactCount(a.usage.tokens)} tokens (${compactCount(a.usage.tokensLastHour)} last hour), ${plural(a.usage.turns, 'turn')}`
      : '';
    const memory = a.memoryBytes ? `  ${formatBytes(a.memoryBytes)}` : '';
    lines.push(
      `  ${a.name.padEnd(16)} ${tags.padEnd(28)} unread ${a.unread}  tasks ${a.openTasks}${memory}${used}  ${printableLine(a.summary)}`.trimEnd(),
      ...(a.hold
        ? [`      held: ${printableLine(a.hold.detail)} (\`${cmd(`agent release ${shellWord(a.name)}`)}\`)`]
        : []),
      ...exitLines(a, '      '),
      ...waitingLines(a, '      ', cmd),
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
  if (s.deliveries.length) {
    lines.push('Deliveries:');
    for (const d of s.deliveries)
      lines.push(`  #${String(d.messageId).padEnd(5)} ${d.from} -> ${d.to}: ${describeDelivery(d)}`);
  }
  return lines.join('\n');
}

/** `agent budget NAME`: the budget, what was spent, and whether it holds the agent. */
export function formatBudget(a: Agent): string {
  const budget = a.budget ? describeBudget(a.budget) : 'no budget';
  const spent = a.usage
    ? `; spent ${compactCount(a.usage.tokensLastHour)} tokens and ${plural(a.usage.turnsLastHour, 'turn')} in the last hour`
    : '';
  const held = a.hold ? `. Held: ${printableLine(a.hold.detail)}` : '';
  return `${a.name}: ${budget}${spent}${held}`;
}

/** `notify`: where notices go, and how the last ones fared. */
export function formatNotify(s: NotifyStatus, tested: boolean): string {
  if (!s.webhookUrl)
    return 'No webhook: notices show in the studio (and as OS or browser notifications) only.';
  const lines = [
    `Webhook: ${printableLine(s.webhookUrl)}${s.webhookTopic ? ` (topic ${s.webhookTopic})` : ''}`,
  ];
  if (tested) lines.push('A test notice was sent and accepted.');
  if (s.lastSentAt) lines.push(`Last sent ${new Date(s.lastSentAt).toISOString()}.`);
  if (s.lastError)
    lines.push(
      `Last failure: ${printableLine(s.lastError)}${s.pending ? ` (${s.pending} waiting to be retried)` : ''}.`,
    );
  return lines.join('\n');
}

/** `ccstudio tabs`: each browser tab let in, how, when, and until when its session holds. */
export function formatTabs(tabs: readonly TabSession[]): string {
  if (!tabs.length) return 'No browser tabs are let into the studio.';
  const at = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return tabs
    .map(
      (t) =>
        `#${t.id} ${printableLine(browserLabel(t.userAgent))}, by ${tabVia(t)}: opened ${at(t.createdAt)}, ` +
        `${t.connections ? 'connected now' : `last used ${at(t.lastUsedAt)}`}, good until ${at(t.expiresAt)} (UTC)`,
    )
    .join('\n');
}

/** A task's check: its state, the command, and a failed run's last lines. */
export function formatCheck(s: CheckStatus): string {
  if (s.state === 'none')
    return s.command
      ? `Task #${s.taskId}: its check (${printableLine(s.command)}) has not run on this branch.`
      : `Task #${s.taskId}: its repository has no check (\`ccstudio checks set --repo DIR CMD\` sets one).`;
  const run = s.run!;
  const how =
    s.state === 'failed'
      ? run.error
        ? ` (${printableLine(run.error)})`
        : run.timedOut
          ? ' (it ran out of time)'
          : ` (exit ${run.exitCode})`
      : s.state === 'stale'
        ? ` (the branch moved on since it ran on ${run.head.slice(0, 10)})`
        : '';
  const lines = [
    `Task #${s.taskId}: ${s.state}${how}: ${printableLine(s.command)} on ${run.head.slice(0, 10)}`,
  ];
  if (s.state === 'failed' || s.state === 'stale')
    for (const l of run.tail) lines.push(`    ${printableLine(l)}`);
  return lines.join('\n');
}

/** A line comment: where, its state, and what it says (an answer, when it has one). */
export function formatComment(c: ReviewComment): string {
  const lines = [`#${c.id} ${printableLine(c.file)}:${c.line} (${c.state}): ${printableLine(c.text)}`];
  if (c.answer) lines.push(`    answered: ${printableLine(c.answer)}`);
  return lines.join('\n');
}
