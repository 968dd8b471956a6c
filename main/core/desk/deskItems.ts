// What waits for the person right now, read from where it lives: held permission hooks, the
// agents' screens and states, their holds, the tasks in review. Pure over its sources: the Desk
// gives each draft its id and its first-seen time.
import type { DeskItem } from '../../contract/desk.js';
import {
  waitsForPerson,
  type Agent,
  type AgentState,
  type ChangeCounts,
  type Task,
} from '../../contract/model.js';
import { sshHostLabel } from '../../contract/ssh.js';
import type { TaskCheck } from '../../contract/checks.js';
import type { ScreenReading } from '../sessions/screenClassifier.js';
import { askedQuestions, permissionAsk, permissionDetail } from './deskText.js';
import type { HeldPermission } from './permissionHolds.js';
import { screenPrompt, type ScreenPrompt } from './screenPrompt.js';

/** The tool Claude Code asks the person's questions with (its PermissionRequest carries them). */
export const QUESTION_TOOL = 'AskUserQuestion';

export interface LiveScreen {
  state: AgentState;
  reading: ScreenReading;
  /** The screen's bottom rows with text. */
  tail: string[];
}

export interface DeskSources {
  agents(): Agent[];
  reviews(): Task[];
  held(agentId: number): HeldPermission[];
  /** The agent's terminal as the studio reads it; undefined when it holds none. */
  screen(agentId: number): LiveScreen | undefined;
  /** A task's latest check run, when its repository has one and it ran. */
  check?(taskId: number): TaskCheck | null;
  /** A task's branch counted (files, lines), once it has been. */
  size?(taskId: number): ChangeCounts | undefined;
}

/** An item before the Desk names it: `key` is what stays equal while the same thing waits. */
export type ItemDraft = Omit<DeskItem, 'id' | 'since'> & {
  key: string;
  /** When it began, where the source knows (a hold, a task's move to review); else first seen. */
  since?: number;
  /** The held request it answers. */
  hold?: number;
  /** The screen prompt keys would answer. */
  prompt?: ScreenPrompt;
  /** A held question's input, which its answers are added to. */
  questionInput?: Record<string, unknown>;
};

export function deskDrafts(sources: DeskSources): ItemDraft[] {
  const drafts: ItemDraft[] = [];
  const agents = sources.agents();
  for (const agent of agents) {
    if (agent.kind !== 'agent') continue;
    drafts.push(...promptDrafts(agent, sources), ...conditionDrafts(agent));
  }
  const ids = new Map(agents.map((a) => [a.name, a.id]));
  for (const task of sources.reviews())
    drafts.push(
      reviewDraft(task, ids.get(task.assignee ?? '') ?? 0, {
        check: sources.check?.(task.id) ?? null,
        size: sources.size?.(task.id),
      }),
    );
  return drafts;
}

/** Its open prompts: held hooks first-hand; the screen's prompt where no hook is held for it. */
function promptDrafts(agent: Agent, sources: DeskSources): ItemDraft[] {
  const held = sources.held(agent.id);
  // Its screen is read only when its state says a prompt is up there.
  const screen = waitsForPerson(agent.state) ? sources.screen(agent.id) : undefined;
  const prompt = screen && waitsForPerson(screen.state) ? screen : undefined;
  if (held.length)
    return held.map((h, i) => withDialogChoices(heldDraft(agent, h), i === 0 ? prompt : undefined));
  return prompt ? [screenDraft(agent, prompt)] : [];
}

/**
 * The dialog drawn beside the oldest held permission offers more than allow and deny ("Yes, and
 * don't ask again"): its options are offered too, pressed as keys, when the screen shows this very
 * request (its command or file among the dialog's rows).
 */
function withDialogChoices(draft: ItemDraft, screen: LiveScreen | undefined): ItemDraft {
  if (draft.kind !== 'permission' || screen?.state !== 'waiting_permission') return draft;
  const prompt = screenPrompt(screen.tail, screen.state, screen.reading);
  const asked = draft.detail.split('\n')[0]!.trim();
  if (!asked || !prompt.text.includes(asked)) return draft;
  return {
    ...draft,
    prompt,
    options: screen.reading.options.map(({ number, label }) => ({ number, label })),
    answers: [...draft.answers, 'choose'],
  };
}

function heldDraft(agent: Agent, hold: HeldPermission): ItemDraft {
  const base = {
    key: `hold:${hold.serial}`,
    agent: agent.name,
    agentId: agent.id,
    since: hold.since,
    hold: hold.serial,
  };
  if (hold.tool !== QUESTION_TOOL)
    return {
      ...base,
      kind: 'permission',
      title: `${agent.name} ${permissionAsk(hold.tool)}`,
      detail: permissionDetail(hold.tool, hold.input),
      tool: hold.tool,
      answers: ['allow', 'deny'],
      structured: true,
    };
  const questions = askedQuestions(hold.input);
  const [first] = questions;
  // Several questions at once are one form in its terminal: answered there.
  const single = questions.length === 1 && first && !first.multiSelect;
  return {
    ...base,
    kind: 'question',
    title: single
      ? `${agent.name} asks you`
      : `${agent.name} asks you ${questions.length} questions: answer in its terminal`,
    detail: questions.map((q) => q.question).join('\n') || 'A question (its text did not come through).',
    tool: hold.tool,
    ...(single ? { options: first.options.map((label, i) => ({ number: i + 1, label })) } : {}),
    answers: single ? ['choose', 'text'] : [],
    structured: true,
    questionInput: hold.input,
  };
}

function screenDraft(agent: Agent, screen: LiveScreen): ItemDraft {
  const prompt = screenPrompt(screen.tail, screen.state, screen.reading);
  const options = screen.reading.options.map(({ number, label }) => ({ number, label }));
  const base = {
    key: `screen:${agent.id}:${prompt.fingerprint}`,
    agent: agent.name,
    agentId: agent.id,
    prompt,
    options,
  };
  switch (screen.state) {
    case 'waiting_permission':
      return {
        ...base,
        kind: 'permission',
        title: `${agent.name} asks permission`,
        detail: prompt.text,
        answers: ['allow', 'deny', 'choose'],
      };
    case 'waiting_select':
    case 'waiting_text':
      // A question's menu is numbered; a menu without numbers or a footer of keys is the CLI's own.
      if (screen.reading.menu !== 'numbered')
        return {
          ...base,
          kind: 'dialog',
          title: `${agent.name}: Claude Code asks`,
          detail: prompt.text,
          answers: ['choose'],
        };
      return {
        ...base,
        kind: 'question',
        title: `${agent.name} asks you`,
        detail: prompt.text,
        answers: ['choose'],
      };
    case 'waiting_trust':
      return {
        ...base,
        kind: 'dialog',
        title: `${agent.name} asks whether you trust its folder`,
        detail: `Claude Code's first start in ${agent.cwd || 'its folder'}: it may read, edit and run the files there.`,
        answers: ['choose'],
      };
    default:
      return {
        ...base,
        kind: 'dialog',
        title: `${agent.name}: Claude Code is not logged in`,
        detail: 'Every prompt fails until it is: type /login in its terminal.',
        options: [],
        answers: [],
      };
  }
}

/** What holds it up besides a prompt: a hold on its wakes, a stuck or unknown screen, an exit, a lost link. */
function conditionDrafts(agent: Agent): ItemDraft[] {
  const base = { agent: agent.name, agentId: agent.id };
  const drafts: ItemDraft[] = [];
  if (agent.hold)
    drafts.push({
      ...base,
      key: `held:${agent.id}:${agent.hold.since}`,
      since: agent.hold.since,
      kind: 'held',
      title: `${agent.name}'s wakes are held`,
      detail: agent.hold.detail,
      answers: ['release'],
    });
  const state = stateDraft(agent);
  if (state) drafts.push({ ...base, ...state });
  return drafts;
}

function stateDraft(agent: Agent): Omit<ItemDraft, 'agent' | 'agentId'> | undefined {
  switch (agent.state) {
    case 'stuck':
      return {
        key: `stuck:${agent.id}`,
        kind: 'stuck',
        title: `${agent.name} looks stuck`,
        detail: 'Busy, but it has shown nothing and reported nothing for minutes.',
        answers: ['restart'],
      };
    case 'unrecognised':
      return {
        key: `unrecognised:${agent.id}`,
        kind: 'stuck',
        title: `${agent.name} shows a screen the studio does not know`,
        detail:
          `Claude Code ${agent.cliVersion || ''} shows something the studio cannot read; look at its terminal.`.replace(
            '  ',
            ' ',
          ),
        answers: ['restart'],
      };
    case 'reconnecting':
      return {
        key: `link:${agent.id}`,
        kind: 'link',
        title: `${agent.name} lost its link to ${agent.ssh ? sshHostLabel(agent.ssh.dest) : 'its host'}`,
        detail: 'The studio is reconnecting and will resume its session; its mail waits.',
        answers: ['restart'],
      };
    case 'exited':
      return agent.lastExit ? exitDraft(agent, agent.lastExit) : undefined;
    default:
      return undefined;
  }
}

function exitDraft(agent: Agent, exit: NonNullable<Agent['lastExit']>): Omit<ItemDraft, 'agent' | 'agentId'> {
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? '?'}`;
  return {
    key: `exited:${agent.id}:${exit.at}`,
    since: exit.at,
    kind: 'exited',
    title: exit.gaveUp
      ? `${agent.name} keeps exiting; the studio stopped restarting it`
      : `${agent.name} exited (${how})`,
    detail: exit.advice,
    answers: ['restart'],
  };
}

/** One per task while it stays in review (its notes and edits meanwhile do not make it new). */
function reviewDraft(
  task: Task,
  agentId: number,
  { check, size }: { check: TaskCheck | null; size: ChangeCounts | undefined },
): ItemDraft {
  const lines = [
    task.title,
    ...(size ? [sizeWords(size)] : []),
    ...(check ? [`check ${checkWords(check)}: ${check.command}`] : []),
  ];
  return {
    key: `review:${task.id}`,
    since: task.updatedAt,
    kind: 'review',
    agent: task.assignee ?? '',
    agentId,
    title: `Task #${task.id} is ready for review${task.assignee ? ` (${task.assignee})` : ''}`,
    detail: lines.join('\n'),
    taskId: task.id,
    ...(size ? { changes: size } : {}),
    answers: [],
  };
}

/** "3 files, +40 −2": a branch's size as a review item says it. */
function sizeWords({ files, added, removed }: ChangeCounts): string {
  return `${files} file${files === 1 ? '' : 's'}, +${added} −${removed}`;
}

/** "passed", "failed (exit 3)", "running": a check run as a review item says it. */
function checkWords(run: TaskCheck): string {
  if (run.state !== 'failed') return run.state;
  return run.timedOut
    ? 'failed (out of time)'
    : run.exitCode !== null
      ? `failed (exit ${run.exitCode})`
      : 'failed';
}
