import type { StudioEvent } from '../../contract/events.js';
import type { Agent, AgentState, Attention } from '../../contract/model.js';
import { QUOTA_WINDOW_MS } from '../../contract/limits.js';
import { sshHostLabel } from '../../contract/ssh.js';
import type { Clock } from '../util/clock.js';
import { DisposableStore, type Emitter } from '../util/emitter.js';
import { NoticeCoalescer } from './noticeCoalescer.js';
import { quoteAgentText } from './noticeText.js';

/** How long a repeated "stuck" or "unrecognised screen" for one agent goes untold. */
export const REPEAT_WINDOW_MS = 10 * 60_000;

/** What a state newly reached means to the person, if anything. */
function stateNotice(
  agent: Agent,
  state: AgentState,
): Pick<Attention, 'kind' | 'title' | 'body'> | undefined {
  switch (state) {
    case 'waiting_permission':
      return {
        kind: 'permission',
        title: `${agent.name} asks permission`,
        body: 'A permission prompt is open in its terminal.',
      };
    case 'waiting_select':
    case 'waiting_text':
      return {
        kind: 'question',
        title: `${agent.name} asks you`,
        body: 'A question is open in its terminal.',
      };
    case 'waiting_trust':
      return {
        kind: 'question',
        title: `${agent.name} asks you to trust its folder`,
        body: `Claude Code asks whether you trust ${agent.cwd || 'its folder'} (its first start there): answer in its terminal.`,
      };
    case 'waiting_login':
      return {
        kind: 'question',
        title: `${agent.name}: Claude Code is not logged in`,
        body: 'Every prompt fails until it is: type /login in its terminal, or run `claude` in a terminal and log in, then restart it.',
      };
    case 'stuck':
      return {
        kind: 'stuck',
        title: `${agent.name} looks stuck`,
        body: 'It is busy but has shown nothing and reported nothing for minutes; look at its terminal.',
      };
    case 'unrecognised':
      return {
        kind: 'unrecognised',
        title: `${agent.name}: unrecognised screen`,
        body:
          `Its screen (Claude Code ${agent.cliVersion || 'of an unknown version'}) matches nothing the studio knows, ` +
          'so it types no wakes there; mail still reaches it at the end of its turns. Look at its terminal.',
      };
    case 'reconnecting':
      return {
        kind: 'disconnected',
        title: `${agent.name} lost its link to ${agent.ssh ? sshHostLabel(agent.ssh.dest) : 'its host'}`,
        body: 'The studio is reconnecting and will resume its session; its mail waits.',
      };
    default:
      return undefined;
  }
}

/**
 * Turns studio events into attention notices, once each: an agent that starts waiting for the
 * person (permission, a question), gets stuck or shows an unrecognised screen, loses its link to
 * the machine it runs on, has its wakes held, or has its calls refused for its hourly budget; a task
 * that reaches review or done; a one-time UI link used twice. Fired as `attention` events, which the desktop app
 * shows as OS notifications, the browser page through the Notification API, and the webhook sends.
 * All of them pass a NoticeCoalescer first, and agents' text in them is quoted (noticeText.ts).
 */
export class AttentionWatch {
  private readonly store = new DisposableStore();
  private readonly states = new Map<number, AgentState>();
  private readonly held = new Set<number>();
  /** When each agent was last said to be stuck or on an unknown screen (the say-once window). */
  private readonly lastSaid = new Map<string, number>();
  private readonly coalescer: NoticeCoalescer;

  constructor(
    private readonly deps: {
      events: Emitter<StudioEvent>;
      clock: Clock;
      agents: readonly Agent[];
      /** What an agent's open prompt asks, in one line (the command, the question), when known. */
      promptDetail?(agentId: number): string | undefined;
    },
  ) {
    this.coalescer = new NoticeCoalescer({
      clock: deps.clock,
      emit: (attention) => deps.events.fire({ type: 'attention', attention }),
    });
    for (const a of deps.agents) {
      this.states.set(a.id, a.state);
      if (a.hold) this.held.add(a.id);
    }
    this.store.add(deps.events.on((e) => this.observe(e)));
  }

  /** `source`: who caused it (the agent it is about, or whoever moved the task), for coalescing. */
  private fire(notice: Omit<Attention, 'at'>, source: string): void {
    this.coalescer.offer({ ...notice, at: this.deps.clock.now() }, source);
  }

  private observe(e: StudioEvent): void {
    if (e.type === 'quota.refused') {
      // Once an hour per agent and kind, however many calls it makes meanwhile.
      if (this.saidWithin(`${e.agentId}:quota:${e.kind}`, QUOTA_WINDOW_MS)) return;
      const at = new Date(e.resetsAt).toISOString().slice(11, 16);
      this.fire(
        {
          kind: 'quota',
          title: `${e.agent} is over its hourly budget for ${e.kind}`,
          body:
            `It has ${e.detail}. Its ${e.kind === 'messages' ? 'messages' : 'task changes'} are refused until ` +
            `${at} UTC; if it is looping, look at its terminal or stop it.`,
          agent: e.agent,
        },
        e.agent,
      );
      return;
    }
    if (e.type === 'tabs.linkReplayed') {
      this.fire(
        {
          kind: 'security',
          title: 'A one-time studio link was used twice',
          body:
            'The second use was refused' +
            (e.endedTabId !== null ? ' and the tab the first use let in was ended' : '') +
            ': one of the two was not your browser. If yours says the link was used already, open a new ' +
            'one (ccstudio open) and check the tabs listed under Tabs.',
        },
        'the studio',
      );
      return;
    }
    if (e.type === 'agent.removed') {
      this.states.delete(e.agentId);
      this.held.delete(e.agentId);
      return;
    }
    if (e.type === 'agent.added' || e.type === 'agent.updated') {
      const { agent } = e;
      if (agent.kind !== 'agent') return;
      const before = this.states.get(agent.id);
      this.states.set(agent.id, agent.state);
      // Between two questions the state may not change (one menu after another): one notice.
      const notice = before !== agent.state ? stateNotice(agent, agent.state) : undefined;
      if (notice && e.type === 'agent.updated' && this.fresh(agent.id, notice.kind))
        this.fire({ ...this.withPrompt(agent, notice), agent: agent.name }, agent.name);
      if (agent.hold && !this.held.has(agent.id)) {
        this.held.add(agent.id);
        this.fire(
          {
            kind: 'held',
            title: `${agent.name}'s wakes are held`,
            body: agent.hold.detail.charAt(0).toUpperCase() + agent.hold.detail.slice(1),
            agent: agent.name,
          },
          agent.name,
        );
      } else if (!agent.hold) this.held.delete(agent.id);
      return;
    }
    if (e.type === 'task.updated' && e.event.toStatus !== e.event.fromStatus) {
      const { task } = e;
      const who = task.assignee ? ` (${task.assignee})` : '';
      // A task's title and result are agents' text: quoted, never the studio's own words.
      const title = quoteAgentText(task.title);
      if (task.status === 'review')
        this.fire(
          {
            kind: 'review',
            title: `Task #${task.id} is ready for review${who}`,
            body: title,
            taskId: task.id,
            ...(task.assignee ? { agent: task.assignee } : {}),
          },
          e.event.actor,
        );
      else if (task.status === 'done')
        this.fire(
          {
            kind: 'done',
            title: `Task #${task.id} is done${who}`,
            body: task.result ? `${title}, with the result ${quoteAgentText(task.result)}` : title,
            taskId: task.id,
            ...(task.assignee ? { agent: task.assignee } : {}),
          },
          e.event.actor,
        );
    }
  }

  /** A prompt's notice says what it asks, and links to it in the queue. */
  private withPrompt(
    agent: Agent,
    notice: Pick<Attention, 'kind' | 'title' | 'body'>,
  ): Pick<Attention, 'kind' | 'title' | 'body' | 'link'> {
    if (notice.kind !== 'permission' && notice.kind !== 'question') return notice;
    const detail = this.deps.promptDetail?.(agent.id)?.replace(/\s+/g, ' ').trim();
    return { ...notice, ...(detail ? { body: quoteAgentText(detail) } : {}), link: `#queue=@${agent.name}` };
  }

  /**
   * A screen that flips between unknown and known, or a turn that stalls again and again, is told
   * once per REPEAT_WINDOW_MS; a question or a permission prompt is told every time it opens.
   */
  private fresh(agentId: number, kind: Attention['kind']): boolean {
    // A link that drops again and again is told once a window too.
    if (kind !== 'stuck' && kind !== 'unrecognised' && kind !== 'disconnected') return true;
    return !this.saidWithin(`${agentId}:${kind}`, REPEAT_WINDOW_MS);
  }

  /** Whether `key` was said less than `windowMs` ago; if not, it counts as said now. */
  private saidWithin(key: string, windowMs: number): boolean {
    const now = this.deps.clock.now();
    const last = this.lastSaid.get(key);
    if (last !== undefined && now - last < windowMs) return true;
    this.lastSaid.set(key, now);
    return false;
  }

  dispose(): void {
    this.store.dispose();
    this.coalescer.dispose();
  }
}
