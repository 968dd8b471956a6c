// The person's desk: one queue of everything that waits for the person, oldest first, kept current
// from the studio's events, and the answers it takes. Each item's id names one prompt shown once
// (a serial never reused); an answer reaches exactly that prompt or is refused with why.
import {
  DESK_ID_PREFIX,
  type DeskAnswerInput,
  type DeskAnswerResult,
  type DeskItem,
} from '../../contract/desk.js';
import { StudioError } from '../../contract/errors.js';
import type { StudioEvent } from '../../contract/events.js';
import { personOnly, waitsForPerson, type AgentState } from '../../contract/model.js';
import type { ScreenReading } from '../sessions/screenClassifier.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore, type Emitter } from '../util/emitter.js';
import { deskAnswer, type DeskActions } from './deskAnswer.js';
import { deskDrafts, QUESTION_TOOL, type DeskSources, type ItemDraft } from './deskItems.js';
import { askedQuestions, permissionDetail } from './deskText.js';
import type { PermissionHolds } from './permissionHolds.js';
import { screenPrompt } from './screenPrompt.js';

/**
 * A prompt a held hook may be drawn as (a menu, a question; not the folder-trust or login dialog):
 * holds end when the screen moves on from it.
 */
const isPromptState = (state: AgentState): boolean => waitsForPerson(state) && !personOnly(state);

export interface DeskDeps {
  sources: Omit<DeskSources, 'held'>;
  holds: PermissionHolds;
  actions: DeskActions;
  events: Pick<Emitter<StudioEvent>, 'on' | 'fire'>;
  /** The agents' screens as they change (the tracker's state and menu). */
  onScreen(listener: (e: { agentId: number; state: AgentState; reading: ScreenReading }) => void): {
    dispose(): void;
  };
  clock: Clock;
  /** The last serial given out, kept where it outlives the studio. */
  serials?: { last(): number; save(serial: number): void };
  /** What lives and ends with the desk (the review sizes it reads). */
  owns?: Array<{ dispose(): void }>;
}

export class Desk {
  private readonly store = new DisposableStore();
  /** Each waiting thing's serial and when it was first seen, by its draft's key. */
  private readonly seen = new Map<string, { serial: number; since: number }>();
  /** Carried across restarts (deps.serials): an id listed before one never names a later prompt. */
  private serials: number;
  private current: Array<{ item: DeskItem; draft: ItemDraft }> = [];
  private signature = '';
  /** Per agent: the prompt its screen showed last, and the held request believed drawn there. */
  private readonly shown = new Map<number, { fingerprint: string; hold?: number }>();

  constructor(private readonly deps: DeskDeps) {
    this.serials = deps.serials?.last() ?? 0;
    this.store.add(deps.events.on((e) => this.observe(e)));
    this.store.add(deps.onScreen((e) => this.screenMoved(e.agentId, e.state, e.reading)));
    this.refresh();
  }

  /** Everything that waits, oldest first. */
  items(): DeskItem[] {
    return this.current.map((c) => c.item);
  }

  /** Answers one item, or refuses with why (it has gone, it takes no such answer). */
  async answer(input: DeskAnswerInput): Promise<DeskAnswerResult> {
    this.refresh();
    const entry = this.current.find((c) => c.item.id === input.id);
    if (!entry) throw this.missing(input.id);
    const via = await deskAnswer(
      { holds: this.deps.holds, actions: this.deps.actions, gone: () => this.gone(input.id) },
      entry.item,
      entry.draft,
      input,
    );
    this.refresh();
    return { id: input.id, via };
  }

  /** The held PermissionRequest hook answers once the person decides (see PermissionHolds). */
  hold(agentId: number, tool: string, input: Record<string, unknown>, signal?: AbortSignal) {
    const answer = this.deps.holds.hold(agentId, tool, input, signal);
    // Claude Code draws the dialog before it runs the hook: the one on the screen is this request's.
    const shown = this.shown.get(agentId);
    if (shown && shown.hold === undefined) shown.hold = this.deps.holds.pending(agentId).at(-1)?.serial;
    return answer;
  }

  /**
   * What the agent's open prompt asks, in a line, for its notice: a held request's tool and exact
   * input, or the prompt's own rows on the screen. Read from the sources now, not from the items,
   * so a notice fired as the state changes has it.
   */
  promptDetail(agentId: number): string | undefined {
    const held = this.deps.holds.pending(agentId)[0];
    if (held)
      return held.tool === QUESTION_TOOL
        ? askedQuestions(held.input)[0]?.question
        : `${held.tool}: ${permissionDetail(held.tool, held.input)}`;
    const screen = this.deps.sources.screen(agentId);
    if (!screen?.reading.options.length) return undefined;
    return screenPrompt(screen.tail, screen.state, screen.reading).text || undefined;
  }

  dispose(): void {
    this.store.dispose();
    this.deps.holds.dispose();
    for (const part of this.deps.owns ?? []) part.dispose();
  }

  /** Items are derived again whenever something they are made of may have changed. */
  private observe(e: StudioEvent): void {
    if (e.type === 'desk.changed' || e.type === 'attention') return;
    if (e.type.startsWith('agent.') || e.type.startsWith('task.') || e.type === 'check.changed')
      this.refresh();
  }

  /**
   * The screen moved on from a prompt. Answered in the terminal (or by the commander), the CLI
   * ignores its hook from then on: the hold drawn there is let go, and all of them once the agent
   * is past its prompts.
   */
  private screenMoved(agentId: number, state: AgentState, reading: ScreenReading): void {
    this.letGoAnswered(agentId, state, reading);
    this.refresh();
  }

  private letGoAnswered(agentId: number, state: AgentState, reading: ScreenReading): void {
    const holds = this.deps.holds;
    const before = this.shown.get(agentId);
    if (!isPromptState(state)) {
      this.shown.delete(agentId);
      if (state !== 'busy' || before) holds.releaseAll(agentId);
      return;
    }
    // Told by the hook before the dialog is drawn: nothing on the screen to follow yet.
    if (!reading.options.length) return;
    const screen = this.deps.sources.screen(agentId);
    const { fingerprint } = screenPrompt(screen?.tail ?? [], state, reading);
    if (before?.fingerprint === fingerprint) return;
    if (before?.hold !== undefined && holds.pending(agentId).some((h) => h.serial === before.hold))
      holds.releaseFirst(agentId);
    const drawn = holds.pending(agentId)[0]?.serial;
    this.shown.set(agentId, { fingerprint, ...(drawn !== undefined ? { hold: drawn } : {}) });
  }

  /** Derives the items again; fires `desk.changed` when what the person sees changed. */
  refresh(): void {
    const drafts = deskDrafts({ ...this.deps.sources, held: (id) => this.deps.holds.pending(id) });
    const now = this.deps.clock.now();
    const keys = new Set(drafts.map((d) => d.key));
    this.carryOver(drafts, keys);
    for (const key of [...this.seen.keys()]) if (!keys.has(key)) this.seen.delete(key);
    const next = drafts.map((draft) => ({ draft, item: this.name(draft, now) }));
    next.sort((a, b) => a.item.since - b.item.since || a.item.id.localeCompare(b.item.id));
    this.current = next;
    const signature = JSON.stringify(next.map((n) => n.item));
    if (signature === this.signature) return;
    this.signature = signature;
    this.deps.events.fire({ type: 'desk.changed', items: this.items() });
  }

  /**
   * Claude Code draws a dialog before its hook reaches the studio (a command hook takes a process
   * start): the prompt is listed from the screen first, then held. The held item keeps the id the
   * screen's had, so an answer given to that id reaches it.
   */
  private carryOver(drafts: ItemDraft[], keys: Set<string>): void {
    for (const draft of drafts) {
      if (draft.hold === undefined || this.seen.has(draft.key)) continue;
      // Only onto the prompt the screen shows now: a hook for the next dialog never takes the id
      // of one answered in the terminal meanwhile.
      const now = this.screenKey(draft.agentId);
      const screenKey = now && !keys.has(now) && this.seen.has(now) ? now : undefined;
      if (!screenKey) continue;
      this.seen.set(draft.key, this.seen.get(screenKey)!);
      this.seen.delete(screenKey);
    }
  }

  /** The key the prompt on an agent's screen has now (as deskDrafts would name it), if one is up. */
  private screenKey(agentId: number): string | undefined {
    const screen = this.deps.actions.screenNow(agentId);
    if (!screen?.reading.options.length) return undefined;
    return `screen:${agentId}:${screenPrompt(screen.tail, screen.state, screen.reading).fingerprint}`;
  }

  private name(draft: ItemDraft, now: number): DeskItem {
    let seen = this.seen.get(draft.key);
    if (!seen) {
      seen = { serial: ++this.serials, since: draft.since ?? now };
      this.deps.serials?.save(this.serials);
      this.seen.set(draft.key, seen);
    }
    const { key: _key, since: _since, hold: _hold, prompt: _prompt, questionInput: _input, ...item } = draft;
    return { ...item, id: `${DESK_ID_PREFIX[draft.kind]}${seen.serial}`, since: seen.since };
  }

  /** An id the desk gave out before, whose prompt is no longer there. */
  private gone(id: string): StudioError {
    return new StudioError(
      'conflict',
      `${id}: that prompt has gone (answered elsewhere, or the agent moved on); nothing was sent. See the queue again.`,
    );
  }

  private missing(id: string): StudioError {
    const serial = Number(/^[a-z](\d+)$/.exec(id)?.[1] ?? NaN);
    if (serial >= 1 && serial <= this.serials) return this.gone(id);
    return new StudioError(
      'not_found',
      `There is no item ${id} in the queue; \`ccstudio queue\` lists them.`,
    );
  }
}
