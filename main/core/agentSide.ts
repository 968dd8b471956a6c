import { StudioError } from '../contract/errors.js';
import type { Agent, AgentState, Message, MessageType, StudioStatus } from '../contract/model.js';
import { personOnly, waitsForPerson } from '../contract/model.js';
import type { AgentRegistry } from './agents/agentRegistry.js';
import type { TaskBoard } from './board/taskBoard.js';
import type { MessageBus } from './bus/messageBus.js';
import type { AgentSessions } from './sessions/agentSessions.js';
import type { ScreenReading } from './sessions/screenClassifier.js';
import type { Clock } from './util/clock.js';
import type { Logger } from './util/logger.js';
import type { WakeEngine } from './wake/wakeEngine.js';
import type { TaskDispatch } from './workspaces/taskDispatch.js';

/** Peers' terminals as the agent side uses them: AgentSessions in a studio, a stand-in in tests. */
export type PeerTerminals = Pick<
  AgentSessions,
  'screenTail' | 'reading' | 'keys' | 'hasTerminal' | 'isRunning' | 'toolsListed'
>;

/** Mail that takes its caller as sender or reader and has no rule beyond the bus's own. */
export type AgentMail = Pick<
  MessageBus,
  'broadcast' | 'publish' | 'inbox' | 'history' | 'subscribe' | 'unsubscribe' | 'topicsOf' | 'unreadCount'
>;

/** What the agent side is built from; each a narrow view of the service that owns it. */
export interface AgentSideDeps {
  readonly agents: Pick<
    AgentRegistry,
    'require' | 'get' | 'list' | 'getById' | 'byToken' | 'update' | 'setLaunch' | 'touch'
  >;
  readonly bus: AgentMail & Pick<MessageBus, 'send'>;
  readonly board: Pick<TaskBoard, 'list' | 'page' | 'detail' | 'openCount'>;
  readonly tasks: Pick<TaskDispatch, 'create' | 'update'>;
  readonly terminals: PeerTerminals;
  readonly wake: Pick<WakeEngine, 'kick' | 'deliveryWarning'>;
  readonly clock: Clock;
  readonly logger: Logger;
  status(): StudioStatus;
}

/** What an agent says about itself (register): never what the person set. */
export interface Introduction {
  role?: string;
  summary?: string;
  cwd?: string;
  branch?: string;
}

export interface Registration {
  me: Agent;
  /** Everyone else, the person included. */
  peers: Agent[];
  unread: number;
  openTasks: number;
  topics: string[];
}

export interface SendInput {
  to: string;
  text: string;
  type?: MessageType;
  replyTo?: number;
  /** Told to a busy recipient at its next tool call: the commander's to give. */
  urgent?: boolean;
}

/** An answer to another agent's open menu: a numbered option, or keys; one of the two. */
export interface AnswerInput {
  name: string;
  option?: number;
  keys?: string[];
}

/** A peer as the studio reads it: its screen's menu and input when the studio runs its terminal. */
export interface PeerReading {
  agent: Agent;
  state: AgentState;
  /** Absent for an agent the studio holds no terminal for (remote, the person, never started). */
  reading?: ScreenReading;
}

/** The commander and the person direct other agents; every other agent only itself. */
function directsOthers(caller: Agent): boolean {
  return caller.commander || caller.kind === 'person';
}

/**
 * The studio as an agent's tools see it (MCP): each thing an agent may do, taking the caller (from
 * its token, never from arguments), with the rule it meets stated here, where it is tested without
 * HTTP. No database, no PTYs, no launching or removing agents, no admin: the person's side is
 * StudioService. Mail, the board and tasks, which take the caller and hold their own rules, are
 * handed out as narrow views; everything that changes an agent or types into a terminal is a method.
 */
export class AgentSide {
  readonly bus: AgentMail;
  readonly board: AgentSideDeps['board'];
  /** Creating and changing tasks: a worktree agent's task gets its branch first. */
  readonly tasks: AgentSideDeps['tasks'];
  readonly clock: Clock;
  readonly logger: Logger;

  constructor(private readonly deps: AgentSideDeps) {
    this.bus = deps.bus;
    this.board = deps.board;
    this.tasks = deps.tasks;
    this.clock = deps.clock;
    this.logger = deps.logger;
  }

  /** The agent a bearer token names: the caller of everything its requests do. */
  agentForToken(token: string): Agent | undefined {
    return this.deps.agents.byToken(token);
  }

  /** A session's caller, read afresh for each call: a removed agent stops at once. */
  caller(agentId: number): Agent | undefined {
    return this.deps.agents.getById(agentId);
  }

  /** A tool call of the caller's went through: it was seen now. */
  seen(caller: Agent): void {
    this.deps.agents.touch(caller.id);
  }

  /** A session's program listed the studio's tools: from now on a wake may be typed to it. */
  toolsListed(agentId: number): void {
    this.deps.terminals.toolsListed(agentId);
  }

  status(): StudioStatus {
    return this.deps.status();
  }

  /** Everyone but the caller, the person included. */
  peers(caller: Agent): Agent[] {
    return this.deps.agents.list().filter((a) => a.id !== caller.id);
  }

  /**
   * The caller introduces itself. What it says never replaces what the person set: the folder it
   * reports is kept apart from its launch folder, and a role the person gave it stays.
   */
  register(caller: Agent, said: Introduction): Registration {
    const me = this.deps.agents.update(caller.id, {
      ...(said.role !== undefined && !caller.role ? { role: said.role } : {}),
      ...(said.summary !== undefined ? { summary: said.summary } : {}),
      ...(said.cwd !== undefined ? { reportedCwd: said.cwd } : {}),
      ...(said.branch !== undefined ? { branch: said.branch } : {}),
    });
    return {
      me,
      peers: this.peers(me),
      unread: this.deps.bus.unreadCount(me.id),
      openTasks: this.deps.board.openCount(me.id),
      topics: this.deps.bus.topicsOf(me),
    };
  }

  setSummary(caller: Agent, summary: string): Agent {
    return this.deps.agents.update(caller.id, { summary });
  }

  /**
   * An agent the studio does not run in a terminal says it is alive, and may say its state; one
   * the studio runs has its state read from its screen and hooks, never taken from its word.
   */
  heartbeat(caller: Agent, report: { state?: 'idle' | 'busy'; summary?: string }): { unread: number } {
    if (report.state !== undefined && this.deps.terminals.isRunning(caller.id)) {
      throw new StudioError(
        'invalid',
        'The studio reads your state from your terminal; send heartbeat without state.',
      );
    }
    this.deps.agents.update(caller.id, {
      ...(report.state !== undefined ? { state: report.state } : {}),
      ...(report.summary !== undefined ? { summary: report.summary } : {}),
    });
    return { unread: this.deps.bus.unreadCount(caller.id) };
  }

  /** An agent's standing role prompt (the caller's own without a name); anyone may read one. */
  rolePrompt(caller: Agent, name?: string): Agent {
    return name !== undefined ? this.deps.agents.require(name) : caller;
  }

  /** Sets a role prompt: the caller's own, or (the commander and the person only) another's. */
  setRolePrompt(caller: Agent, input: { text: string; name?: string }): Agent {
    const target = input.name !== undefined ? this.deps.agents.require(input.name) : caller;
    if (target.id !== caller.id && !directsOthers(caller)) {
      throw new StudioError('forbidden', "Only the commander may set another agent's prompt.");
    }
    return this.deps.agents.setLaunch(target.id, { rolePrompt: input.text });
  }

  /**
   * Mail to one agent, committed before this returns, with a note when it may not be delivered
   * soon. Urgent mail interrupts a busy agent's work: only the commander sends it.
   */
  send(caller: Agent, input: SendInput): { message: Message; warning?: string } {
    if (input.urgent && !caller.commander)
      throw new StudioError(
        'forbidden',
        'Only the commander sends urgent mail; send it without urgent and it arrives when the recipient ends its turn.',
      );
    const message = this.deps.bus.send(caller, input.to, input.text, {
      ...(input.type ? { type: input.type } : {}),
      ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
      ...(input.urgent ? { urgent: true } : {}),
    });
    const warning = this.deliveryWarning(input.to);
    return warning ? { message, warning } : { message };
  }

  /**
   * Why mail or a task for this agent may not reach it soon, if it may not. A recipient removed
   * since (the mail is stored already) has none: that must not turn a send into an error.
   */
  deliveryWarning(name: string): string | undefined {
    const to = this.deps.agents.get(name);
    return to ? this.deps.wake.deliveryWarning(to.id) : undefined;
  }

  /** The last lines of a local agent's screen, as text. */
  readPeer(_caller: Agent, name: string, lines: number): string {
    const agent = this.deps.agents.require(name);
    return this.deps.terminals.screenTail(agent.name, lines);
  }

  /** A peer's state, and its screen's reading when the studio runs its terminal. */
  peerState(_caller: Agent, name: string): PeerReading {
    const agent = this.deps.agents.require(name);
    if (agent.remote || agent.kind !== 'agent' || !this.deps.terminals.hasTerminal(agent.id)) {
      return { agent, state: agent.state };
    }
    const { state, reading } = this.deps.terminals.reading(agent.name);
    return { agent, state, reading };
  }

  /**
   * Answers another agent's open prompt with a numbered option or keys. Only the commander (or the
   * person) answers for another agent, never for itself, and only a prompt that is open now; the
   * folder-trust question and a login are the person's alone.
   */
  answerPrompt(caller: Agent, input: AnswerInput): Agent {
    if (!directsOthers(caller)) {
      throw new StudioError(
        'forbidden',
        "Only the commander or the person may answer another agent's prompt; message the commander instead.",
      );
    }
    const agent = this.deps.agents.require(input.name);
    if (agent.id === caller.id) throw new StudioError('invalid', 'Answer your own prompts yourself.');
    if ((input.option === undefined) === (input.keys === undefined))
      throw new StudioError('invalid', 'Give either option or keys.');
    const { state, reading } = this.deps.terminals.reading(agent.name);
    if (!waitsForPerson(state)) {
      throw new StudioError('conflict', `${agent.name} is ${state}, not on a prompt; nothing to answer.`);
    }
    if (personOnly(state))
      throw new StudioError(
        'forbidden',
        state === 'waiting_trust'
          ? `${agent.name}'s Claude Code asks whether its folder is trusted: only the person answers that. Tell them.`
          : `${agent.name}'s Claude Code is not logged in: only the person can log it in. Tell them.`,
      );
    if (input.option !== undefined && !reading.options.some((o) => o.number === input.option)) {
      throw new StudioError(
        'invalid',
        `${agent.name}'s menu has options ${reading.options.map((o) => o.number).join(', ')}.`,
      );
    }
    this.deps.terminals.keys(agent.name, input.option !== undefined ? [String(input.option)] : input.keys!);
    return agent;
  }

  /**
   * Wakes an idle agent now. A refusal (busy, on a dialog, woken recently, no terminal) is thrown
   * with its reason; typing goes on after this returns, and a failure then is logged.
   */
  kick(caller: Agent, name: string): Agent {
    const agent = this.deps.agents.require(name);
    this.deps.wake
      .kick(agent.id, 'agent')
      .catch((err: unknown) =>
        this.deps.logger.warn('kick failed', { by: caller.name, agent: agent.name, err: String(err) }),
      );
    return agent;
  }
}
