import { createHash, randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import type { AddAgentInput } from '../../contract/inputs.js';
import type { StudioEvent } from '../../contract/events.js';
import {
  AGENT_NAME_PATTERN,
  MAX_AGENT_NAME_CHARS,
  MAX_PATH_CHARS,
  MAX_PROFILE_ARGS,
  MAX_ROLE_CHARS,
  MAX_ROLE_PROMPT_CHARS,
  MAX_SUMMARY_CHARS,
  PERSON_NAME,
} from '../../contract/limits.js';
import type {
  Agent,
  AgentExit,
  AgentKind,
  AgentBudget,
  AgentHold,
  AgentProfile,
  AgentState,
  AgentUsage,
  AgentSleep,
  SshTarget,
  Workspace,
} from '../../contract/model.js';
import { AWAKE } from '../../contract/model.js';
import { sshDestProblem } from '../../contract/ssh.js';
import { expireUnreceived } from '../bus/messageExpiry.js';
import type { Db } from '../store/database.js';
import type { Clock } from '../util/clock.js';
import type { Emitter } from '../util/emitter.js';

/** Last-seen is written at most this often per agent: presence needs seconds, not every call. */
const LAST_SEEN_WRITE_INTERVAL_MS = 5000;
/** 192 bits of randomness; the prefix makes a leaked token recognisable in logs and scanners. */
const TOKEN_BYTES = 24;
const TOKEN_PREFIX = 'ccs_';

interface AgentRow {
  id: number;
  name: string;
  kind: AgentKind;
  role: string;
  summary: string;
  state: AgentState;
  cwd: string;
  reported_cwd: string;
  branch: string;
  remote: number;
  commander: number;
  profile: string;
  role_prompt: string;
  session_id: string | null;
  autostart: number;
  created_at: number;
  last_seen_at: number;
  last_exit: string | null;
  workspace: string | null;
  hold: string | null;
  budget: string | null;
  usage: string | null;
  cli_version: string;
  ssh: string | null;
  sleep: string | null;
}

/** What the studio learns about a running agent and keeps on its record (see setRuntime). */
export interface RuntimePatch {
  hold?: AgentHold | null;
  budget?: AgentBudget | null;
  usage?: AgentUsage | null;
  cliVersion?: string;
  sleep?: AgentSleep;
}

function toAgent(r: AgentRow): Agent {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    role: r.role,
    summary: r.summary,
    state: r.state,
    cwd: r.cwd,
    reportedCwd: r.reported_cwd,
    branch: r.branch,
    remote: r.remote === 1,
    commander: r.commander === 1,
    profile: parseProfile(r.profile),
    rolePrompt: r.role_prompt,
    autostart: r.autostart === 1,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    lastExit: parseJson<AgentExit>(r.last_exit),
    workspace: parseWorkspace(r.workspace),
    hold: parseJson<AgentHold>(r.hold),
    budget: parseJson<AgentBudget>(r.budget),
    usage: parseJson<AgentUsage>(r.usage),
    cliVersion: r.cli_version,
    ssh: parseSsh(r.ssh),
    sleep: { ...AWAKE, ...parseJson<Partial<AgentSleep>>(r.sleep) },
  };
}

function parseJson<T>(json: string | null): T | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as T;
  } catch {
    return null;
  }
}

function parseSsh(json: string | null): SshTarget | null {
  const t = parseJson<Partial<SshTarget>>(json);
  return t && typeof t.dest === 'string' ? { dest: t.dest, command: t.command ?? '' } : null;
}

function parseWorkspace(json: string | null): Workspace | null {
  if (!json) return null;
  try {
    const ws = JSON.parse(json) as Workspace;
    // git's own name for the worktree's folder, where a record predates gitDir.
    return ws.gitDir ? ws : { ...ws, gitDir: join(ws.repo, '.git', 'worktrees', basename(ws.path)) };
  } catch {
    return null;
  }
}

function parseProfile(json: string): AgentProfile {
  try {
    const p = JSON.parse(json) as AgentProfile;
    if (p.kind === 'command' && typeof p.command === 'string')
      return {
        kind: 'command',
        command: p.command,
        args: p.args ?? [],
        ...(p.takesPrompts === true ? { takesPrompts: true } : {}),
      };
    const c = p as { args?: unknown; sandbox?: unknown };
    return {
      kind: 'claude',
      ...(Array.isArray(c.args) ? { args: c.args as string[] } : {}),
      ...(c.sandbox === true ? { sandbox: true } : {}),
    };
  } catch {
    return { kind: 'claude' };
  }
}

/** The profile as given by a person or the UI, checked. */
export function validateProfile(profile: unknown): AgentProfile {
  const p = profile as
    | Partial<{ kind: string; command: string; args: unknown; sandbox: unknown; takesPrompts: unknown }>
    | undefined;
  const args = p?.args === undefined ? [] : p.args;
  if (
    !Array.isArray(args) ||
    args.some((a) => typeof a !== 'string' || a.length > MAX_PATH_CHARS) ||
    args.length > MAX_PROFILE_ARGS
  ) {
    throw new StudioError('invalid', `Profile args are a list of at most ${MAX_PROFILE_ARGS} strings.`);
  }
  if (p?.sandbox !== undefined && typeof p.sandbox !== 'boolean')
    throw new StudioError('invalid', 'Profile sandbox is true or false.');
  if (!p || p.kind === 'claude')
    return {
      kind: 'claude',
      ...(args.length ? { args: args as string[] } : {}),
      ...(p?.sandbox ? { sandbox: true } : {}),
    };
  if (p.sandbox) {
    throw new StudioError(
      'invalid',
      'The sandboxed profile is Claude Code\'s own sandbox; a command agent cannot have it. Use kind "claude".',
    );
  }
  if (
    p.kind === 'command' &&
    typeof p.command === 'string' &&
    p.command.trim() &&
    p.command.length <= MAX_PATH_CHARS
  ) {
    if (p.takesPrompts !== undefined && typeof p.takesPrompts !== 'boolean')
      throw new StudioError('invalid', 'Profile takesPrompts is true or false.');
    return {
      kind: 'command',
      command: p.command.trim(),
      args: args as string[],
      ...(p.takesPrompts ? { takesPrompts: true } : {}),
    };
  }
  throw new StudioError('invalid', 'A profile is {kind: "claude"} or {kind: "command", command, args}.');
}

/**
 * An agent on another machine: Claude Code, launched by the studio over the person's SSH, to a
 * destination ssh accepts, not sandboxed (checked on this machine only).
 */
export function validateSsh(input: Pick<NewAgent, 'ssh' | 'remote' | 'profile'>): void {
  const problem = sshDestProblem(input.ssh!.dest);
  if (problem) throw new StudioError('invalid', problem);
  if (input.remote)
    throw new StudioError(
      'invalid',
      'An agent is either launched over SSH or connects by itself with a token (remote), not both.',
    );
  if (input.profile?.kind === 'command')
    throw new StudioError(
      'invalid',
      'An agent over SSH runs Claude Code; give its path there as the command.',
    );
  if (input.profile?.sandbox)
    throw new StudioError(
      'invalid',
      "Claude Code's sandbox is checked on this machine; an agent over SSH cannot have the sandboxed profile yet.",
    );
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What the person can say of a new agent (the contract's AddAgentInput), and whether it starts with the studio. */
export interface NewAgent extends Omit<AddAgentInput, 'worktree'> {
  autostart?: boolean;
  /** The worktree made for it (Workspaces.create), whose folder is its cwd. */
  workspace?: Workspace;
}

/** What an agent says about itself, and its state: never what the person configured. */
export interface AgentPatch {
  role?: string;
  summary?: string;
  reportedCwd?: string;
  branch?: string;
  state?: AgentState;
}

const PATCH_COLUMNS: Record<keyof AgentPatch, string> = {
  role: 'role',
  summary: 'summary',
  reportedCwd: 'reported_cwd',
  branch: 'branch',
  state: 'state',
};

/** Launch settings; changing them emits agent.updated like any other change. */
export interface LaunchPatch {
  profile?: AgentProfile;
  rolePrompt?: string;
  autostart?: boolean;
  sessionId?: string | null;
}

export function validateAgentName(name: unknown): string {
  if (typeof name !== 'string' || !AGENT_NAME_PATTERN.test(name)) {
    throw new StudioError(
      'invalid',
      `An agent name is 1-${MAX_AGENT_NAME_CHARS} letters, digits, "_", "." or "-", starting with a letter or digit.`,
    );
  }
  return name;
}

function checkText(label: string, value: string | undefined, max: number): void {
  if (value !== undefined && value.length > max) {
    throw new StudioError('invalid', `${label} is ${value.length} characters; keep it under ${max}.`);
  }
}

/**
 * Who is in the studio. Every live agent is cached in memory (the MCP server resolves a token to an
 * agent on every call), and every write goes through here so the cache cannot drift.
 */
export class AgentRegistry {
  private readonly byId = new Map<number, Agent>();
  private readonly byName = new Map<string, Agent>();
  private readonly tokenCache = new Map<string, number>();
  private readonly lastSeenWritten = new Map<number, number>();
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly events: Emitter<StudioEvent>,
    private readonly clock: Clock,
  ) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO agents (name, kind, role, summary, cwd, remote, commander, profile, role_prompt, autostart, created_at, workspace, ssh)
         VALUES (@name, @kind, @role, @summary, @cwd, @remote, @commander, @profile, @rolePrompt, @autostart, @createdAt, @workspace, @ssh)`,
      ),
      byId: db.prepare('SELECT * FROM agents WHERE id = ?'),
      insertToken: db.prepare('INSERT INTO agent_tokens (token_hash, agent_id, created_at) VALUES (?, ?, ?)'),
      deleteTokens: db.prepare('DELETE FROM agent_tokens WHERE agent_id = ?'),
      tokenAgent: db.prepare(
        `SELECT t.agent_id AS id FROM agent_tokens t JOIN agents a ON a.id = t.agent_id
         WHERE t.token_hash = ? AND a.removed_at IS NULL`,
      ),
      touch: db.prepare('UPDATE agents SET last_seen_at = ? WHERE id = ?'),
      remove: db.prepare('UPDATE agents SET removed_at = ? WHERE id = ?'),
    };
    for (const row of db.prepare('SELECT * FROM agents WHERE removed_at IS NULL').all() as AgentRow[]) {
      this.cache(toAgent(row));
    }
    if (!this.byName.has(PERSON_NAME)) this.insert({ name: PERSON_NAME }, 'person');
  }

  private cache(agent: Agent): void {
    this.byId.set(agent.id, agent);
    this.byName.set(agent.name.toLowerCase(), agent);
  }

  private reload(id: number): Agent {
    const agent = toAgent(this.stmts.byId.get(id) as AgentRow);
    this.cache(agent);
    return agent;
  }

  private insert(input: NewAgent, kind: AgentKind): Agent {
    const info = this.stmts.insert.run({
      name: input.name,
      kind,
      role: input.role ?? '',
      summary: input.summary ?? '',
      cwd: input.cwd ?? '',
      remote: input.remote ? 1 : 0,
      commander: input.commander ? 1 : 0,
      profile: JSON.stringify(input.profile ?? { kind: 'claude' }),
      rolePrompt: input.rolePrompt ?? '',
      autostart: input.autostart ? 1 : 0,
      createdAt: this.clock.now(),
      workspace: input.workspace ? JSON.stringify(input.workspace) : null,
      ssh: input.ssh ? JSON.stringify({ dest: input.ssh.dest, command: input.ssh.command ?? '' }) : null,
    });
    return this.reload(Number(info.lastInsertRowid));
  }

  /** Adds an agent and returns its first token; the token is never stored in plain text. */
  add(input: NewAgent): { agent: Agent; token: string } {
    validateAgentName(input.name);
    checkText('role', input.role, MAX_ROLE_CHARS);
    checkText('summary', input.summary, MAX_SUMMARY_CHARS);
    checkText('role prompt', input.rolePrompt, MAX_ROLE_PROMPT_CHARS);
    if (input.profile !== undefined) input = { ...input, profile: validateProfile(input.profile) };
    if (input.ssh) validateSsh(input);
    if (this.byName.has(input.name.toLowerCase())) {
      throw new StudioError('conflict', `An agent named "${input.name}" already exists; pick another name.`);
    }
    const result = this.db.transaction(() => {
      const agent = this.insert(input, 'agent');
      return { agent, token: this.issueTokenInTx(agent.id) };
    })();
    this.events.fire({ type: 'agent.added', agent: result.agent });
    return result;
  }

  private issueTokenInTx(agentId: number): string {
    const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
    this.stmts.insertToken.run(hashToken(token), agentId, this.clock.now());
    return token;
  }

  /** Replaces every token of the agent with a new one (a local session relaunch, or a leaked token). */
  rotateToken(name: string): string {
    const agent = this.require(name);
    const token = this.db.transaction(() => {
      this.stmts.deleteTokens.run(agent.id);
      return this.issueTokenInTx(agent.id);
    })();
    for (const [hash, id] of this.tokenCache) if (id === agent.id) this.tokenCache.delete(hash);
    return token;
  }

  /** The agent a bearer token belongs to, or undefined. Constant work per call: one hash, one map hit. */
  byToken(token: string): Agent | undefined {
    const hash = hashToken(token);
    let id = this.tokenCache.get(hash);
    if (id === undefined) {
      const row = this.stmts.tokenAgent.get(hash) as { id: number } | undefined;
      if (!row) return undefined;
      id = row.id;
      this.tokenCache.set(hash, id);
    }
    return this.byId.get(id);
  }

  get(name: string): Agent | undefined {
    return this.byName.get(name.toLowerCase());
  }

  getById(id: number): Agent | undefined {
    return this.byId.get(id);
  }

  /** A name the caller gave: unknown names get an error that lists who is there. */
  require(name: unknown): Agent {
    const agent = typeof name === 'string' ? this.get(name) : undefined;
    if (!agent) {
      const names = this.list()
        .map((a) => a.name)
        .join(', ');
      throw new StudioError('not_found', `No agent named "${String(name)}". Agents here: ${names}.`);
    }
    return agent;
  }

  get person(): Agent {
    return this.byName.get(PERSON_NAME)!;
  }

  list(): Agent[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  update(id: number, patch: AgentPatch): Agent {
    const current = this.byId.get(id);
    if (!current) throw new StudioError('not_found', `No agent with id ${id}.`);
    checkText('role', patch.role, MAX_ROLE_CHARS);
    checkText('summary', patch.summary, MAX_SUMMARY_CHARS);
    const fields = Object.entries(patch).filter(
      ([k, v]) => v !== undefined && Object.hasOwn(PATCH_COLUMNS, k),
    ) as Array<[keyof AgentPatch, string]>;
    const changed = fields.filter(([k, v]) => current[k] !== v);
    if (changed.length === 0) return current;
    const sets = changed.map(([k]) => `${PATCH_COLUMNS[k]} = @${k}`).join(', ');
    this.db.prepare(`UPDATE agents SET ${sets} WHERE id = @id`).run({ ...Object.fromEntries(changed), id });
    const agent = this.reload(id);
    this.events.fire({ type: 'agent.updated', agent });
    return agent;
  }

  /** Changes how a local agent is launched (profile, role prompt, autostart, Claude session). */
  setLaunch(id: number, patch: LaunchPatch): Agent {
    if (!this.byId.has(id)) throw new StudioError('not_found', `No agent with id ${id}.`);
    checkText('role prompt', patch.rolePrompt, MAX_ROLE_PROMPT_CHARS);
    const fields: Record<string, unknown> = {};
    if (patch.profile !== undefined) fields.profile = JSON.stringify(validateProfile(patch.profile));
    if (patch.rolePrompt !== undefined) fields.role_prompt = patch.rolePrompt;
    if (patch.autostart !== undefined) fields.autostart = patch.autostart ? 1 : 0;
    if (patch.sessionId !== undefined) fields.session_id = patch.sessionId;
    return this.writeColumns(id, fields);
  }

  /** Writes these columns of the agent's row (none: nothing happens), then announces the change. */
  private writeColumns(id: number, fields: Record<string, unknown>): Agent {
    if (!Object.keys(fields).length) return this.byId.get(id)!;
    const sets = Object.keys(fields)
      .map((k) => `${k} = @${k}`)
      .join(', ');
    this.db.prepare(`UPDATE agents SET ${sets} WHERE id = @id`).run({ ...fields, id });
    const agent = this.reload(id);
    this.events.fire({ type: 'agent.updated', agent });
    return agent;
  }

  /** Records the agent's own worktree (made by the studio), or that it no longer has one. */
  setWorkspace(id: number, workspace: Workspace | null): Agent {
    if (!this.byId.has(id)) throw new StudioError('not_found', `No agent with id ${id}.`);
    this.db
      .prepare('UPDATE agents SET workspace = ? WHERE id = ?')
      .run(workspace === null ? null : JSON.stringify(workspace), id);
    const agent = this.reload(id);
    this.events.fire({ type: 'agent.updated', agent });
    return agent;
  }

  /** Records how the agent's program last ended on its own (null clears it). */
  setExit(id: number, exit: AgentExit | null): Agent {
    const current = this.byId.get(id);
    if (!current) throw new StudioError('not_found', `No agent with id ${id}.`);
    if (exit === null && current.lastExit === null) return current;
    this.db
      .prepare('UPDATE agents SET last_exit = ? WHERE id = ?')
      .run(exit === null ? null : JSON.stringify(exit), id);
    const agent = this.reload(id);
    this.events.fire({ type: 'agent.updated', agent });
    return agent;
  }

  /** Records what the studio learnt of the agent's run: a hold, its budget, its token use, its CLI. */
  setRuntime(id: number, patch: RuntimePatch): Agent {
    const current = this.byId.get(id);
    if (!current) throw new StudioError('not_found', `No agent with id ${id}.`);
    const fields: Record<string, unknown> = {};
    const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
    if (patch.hold !== undefined && json(patch.hold) !== json(current.hold)) fields.hold = json(patch.hold);
    if (patch.budget !== undefined && json(patch.budget) !== json(current.budget))
      fields.budget = json(patch.budget);
    if (patch.usage !== undefined && json(patch.usage) !== json(current.usage))
      fields.usage = json(patch.usage);
    if (patch.cliVersion !== undefined && patch.cliVersion !== current.cliVersion)
      fields.cli_version = patch.cliVersion;
    if (patch.sleep !== undefined && json(patch.sleep) !== json(current.sleep))
      fields.sleep = json(patch.sleep);
    return this.writeColumns(id, fields);
  }

  /** The Claude Code session this agent last ran, for --resume. */
  sessionIdOf(id: number): string | null {
    return (
      (
        this.db.prepare('SELECT session_id FROM agents WHERE id = ?').get(id) as
          { session_id: string | null } | undefined
      )?.session_id ?? null
    );
  }

  /** Records that the agent was heard from; writes through only every few seconds. */
  touch(id: number): void {
    const agent = this.byId.get(id);
    if (!agent) return;
    const now = this.clock.now();
    agent.lastSeenAt = now;
    const written = this.lastSeenWritten.get(id) ?? 0;
    if (now - written < LAST_SEEN_WRITE_INTERVAL_MS) return;
    this.lastSeenWritten.set(id, now);
    this.stmts.touch.run(now, id);
  }

  remove(name: string): void {
    const agent = this.require(name);
    if (agent.kind === 'person') throw new StudioError('forbidden', 'The person cannot be removed.');
    this.db.transaction(() => {
      this.stmts.remove.run(this.clock.now(), agent.id);
      this.stmts.deleteTokens.run(agent.id);
      // Its unread mail is for nobody now; a message that was for nobody else expires.
      const unread = this.db
        .prepare("DELETE FROM deliveries WHERE agent_id = ? AND state <> 'read' RETURNING message_id")
        .all(agent.id) as Array<{ message_id: number }>;
      expireUnreceived(
        this.db,
        unread.map((r) => r.message_id),
        this.clock.now(),
      );
      this.db.prepare('DELETE FROM subscriptions WHERE agent_id = ?').run(agent.id);
    })();
    this.byId.delete(agent.id);
    this.byName.delete(agent.name.toLowerCase());
    for (const [hash, id] of this.tokenCache) if (id === agent.id) this.tokenCache.delete(hash);
    this.events.fire({ type: 'agent.removed', agentId: agent.id, name: agent.name });
  }

  /** Name of any agent ever seen, including removed ones (for history). */
  nameOf(id: number): string {
    const live = this.byId.get(id);
    if (live) return live.name;
    const row = this.stmts.byId.get(id) as AgentRow | undefined;
    return row ? row.name : `#${id}`;
  }
}
