// One answer from the queue, carried to exactly the prompt its item names: a held permission hook
// decided (nothing typed), or keys pressed only while the screen still shows that same prompt.
import type { DeskAnswerInput, DeskAnswerResult, DeskItem } from '../../contract/desk.js';
import { StudioError } from '../../contract/errors.js';
import type { PermissionDecision } from '../../contract/hooks.js';
import type { ItemDraft, LiveScreen } from './deskItems.js';
import { askedQuestions } from './deskText.js';
import type { PermissionHolds } from './permissionHolds.js';
import { screenPrompt } from './screenPrompt.js';

/** What the model reads when the person denies with no note. */
export const DENIED_WITHOUT_NOTE = 'The person denied this from the studio.';

/** What answering may do beyond the holds: each a narrow call into the service that owns it. */
export interface DeskActions {
  /** The agent's screen classified now, from its mirror (not the tracker's last reading). */
  screenNow(agentId: number): LiveScreen | undefined;
  /** Menu keys into the agent's terminal. */
  keys(agentId: number, keys: string[]): void;
  /** Mail from the person to the agent (a deny's note where the deny was pressed). */
  tell(agentId: number, text: string): void;
  /** Lets its held wakes go. */
  release(agentId: number): void;
  restart(agentId: number): Promise<void>;
}

interface AnswerParts {
  holds: PermissionHolds;
  actions: DeskActions;
  /** The refusal for a prompt that is no longer there. */
  gone(): StudioError;
}

export async function deskAnswer(
  parts: AnswerParts,
  item: DeskItem,
  draft: ItemDraft,
  input: DeskAnswerInput,
): Promise<DeskAnswerResult['via']> {
  const kind =
    'verdict' in input
      ? input.verdict
      : 'choose' in input
        ? 'choose'
        : 'text' in input
          ? 'text'
          : input.action;
  if (!item.answers.includes(kind)) throw refusal(item, kind);
  if ('action' in input) {
    if (input.action === 'release') parts.actions.release(item.agentId);
    else await parts.actions.restart(item.agentId);
    return 'action';
  }
  // A held permission's dialog option other than allow or deny is pressed on the dialog itself;
  // the hook is let go when the screen moves on.
  const onDialog = 'choose' in input && item.kind === 'permission';
  if (draft.hold !== undefined && !onDialog) {
    if (!parts.holds.decide(item.agentId, draft.hold, decision(draft, input))) throw parts.gone();
    return 'hook';
  }
  pressKeys(parts, item, draft, input);
  return 'keys';
}

/** The hook's decision: allow or deny a tool; a question's answer is an allow with its answers. */
function decision(draft: ItemDraft, input: DeskAnswerInput): PermissionDecision {
  if ('verdict' in input)
    return input.verdict === 'allow'
      ? { behavior: 'allow' }
      : { behavior: 'deny', message: input.note ?? DENIED_WITHOUT_NOTE };
  const options = draft.options ?? [];
  let answer: string;
  if ('choose' in input) {
    const option = options.find((o) => o.number === input.choose);
    if (!option) throw noOption(input.choose, options.length);
    answer = option.label;
  } else answer = (input as { text: string }).text;
  const held = draft.questionInput ?? {};
  const [question] = askedQuestions(held);
  return { behavior: 'allow', updatedInput: { ...held, answers: { [question?.question ?? '']: answer } } };
}

/** Keys for a prompt read off the screen, pressed only if the screen shows that prompt still. */
function pressKeys(parts: AnswerParts, item: DeskItem, draft: ItemDraft, input: DeskAnswerInput): void {
  const options = item.options ?? [];
  let number: number | undefined;
  if ('choose' in input) {
    if (!options.some((o) => o.number === input.choose)) throw noOption(input.choose, options.length);
    number = input.choose;
  } else if ('verdict' in input) {
    const yes = input.verdict === 'allow';
    number = options.find((o) => (yes ? /^Yes\b/ : /^No\b/).test(o.label))?.number;
    if (number === undefined)
      throw new StudioError(
        'invalid',
        `${item.id} shows no "${yes ? 'Yes' : 'No'}" option; choose one by number.`,
      );
  } else
    throw new StudioError('invalid', `${item.id} takes a choice, not typed text; type it in its terminal.`);
  const screen = parts.actions.screenNow(item.agentId);
  if (!screen || !draft.prompt) throw parts.gone();
  if (screenPrompt(screen.tail, screen.state, screen.reading).fingerprint !== draft.prompt.fingerprint)
    throw parts.gone();
  parts.actions.keys(item.agentId, menuKeys(screen, number));
  if ('verdict' in input && input.verdict === 'deny' && input.note)
    parts.actions.tell(item.agentId, input.note);
}

/**
 * A numbered menu takes the digit; a dialog that names a key per answer takes that key; one drawn
 * without numbers (2.1.330's trust dialog, its "❯ No / Yes") is walked to.
 */
function menuKeys(screen: LiveScreen, number: number): string[] {
  const options = screen.reading.options;
  const to = options.findIndex((o) => o.number === number);
  if (screen.reading.menu === 'numbered') return [String(number)];
  if (screen.reading.menu === 'keys') return [options[to]!.key!];
  const from = Math.max(
    0,
    options.findIndex((o) => o.focused),
  );
  const step = to > from ? 'down' : 'up';
  return [...Array<string>(Math.abs(to - from)).fill(step), 'enter'];
}

function noOption(n: number, count: number): StudioError {
  return new StudioError('invalid', `There is no option ${n}; this prompt has ${count}.`);
}

function refusal(item: DeskItem, kind: string): StudioError {
  const takes = item.answers.length
    ? `it takes ${item.answers.join(', ')}`
    : 'it is answered in its own view';
  const where = item.kind === 'review' ? ` (open the review of task #${item.taskId})` : '';
  return new StudioError('invalid', `${item.id} (${item.kind}) does not take "${kind}": ${takes}${where}.`);
}
