// A new agent as the person asks for it, in the words both of its surfaces use: the options of
// `ccstudio agent add` and the fields of the Add agent dialog. buildAddAgentInput is the one place
// that turns such a request into the service's AddAgentInput (which the service checks again with
// its zod schema when it arrives) and knows which options go together. Each surface names the
// options its own way in the errors: the CLI its flags, the dialog its fields.
import { StudioError } from './errors.js';
import type { AddAgentInput } from './inputs.js';
import type { AgentProfile } from './model.js';

/** Undefined is "not given"; text is taken as it is (the dialog trims its fields before). */
export interface AgentRequest {
  name: string;
  role?: string | undefined;
  summary?: string | undefined;
  rolePrompt?: string | undefined;
  /** Its folder: on this machine (resolved already), or with `ssh` as it is named on that one. */
  cwd?: string | undefined;
  commander?: boolean | undefined;
  /** A client the studio does not launch: it connects by itself with a token of its own. */
  remote?: boolean | undefined;
  /** Runs on another machine, through the person's own ssh: user@host, or a Host alias. */
  ssh?: string | undefined;
  /**
   * Here: what runs instead of Claude Code, one command line split at spaces (a first word
   * `claude` is Claude Code with those arguments). With `ssh`: the path of Claude Code there.
   */
  command?: string | undefined;
  /** The command takes prompts (Codex, Gemini CLI...): wake lines are typed into it. */
  takesPrompts?: boolean | undefined;
  /** Claude Code's own sandbox, for a Claude Code agent here. */
  sandbox?: boolean | undefined;
  /** A git worktree of its own, from `base`, made in `worktreeDir` (defaults: see AddAgentInput). */
  worktree?: boolean | undefined;
  base?: string | undefined;
  worktreeDir?: string | undefined;
}

/** The options a person can combine wrongly or leave empty, as their surface names them in errors. */
export type OptionNames = Record<
  'ssh' | 'command' | 'takesPrompts' | 'sandbox' | 'remote' | 'worktree' | 'base' | 'worktreeDir',
  string
>;

/**
 * The service's input for `request`, or a StudioError ('invalid') that names, in `names`, the
 * option to change. Pure: the CLI resolves its folders before, the dialog trims its text.
 */
export function buildAddAgentInput(request: AgentRequest, names: OptionNames): AddAgentInput {
  const { name, role, summary, rolePrompt, cwd, commander } = request;
  const common = { name, ...given({ role, summary, rolePrompt, cwd, commander }) };
  return request.ssh !== undefined
    ? { ...common, ...overSsh(request, request.ssh, names) }
    : { ...common, ...onThisMachine(request, names) };
}

/** A refusal; a sentence may start with a name written in lower case ("the machine is empty"). */
const invalid = (message: string) =>
  new StudioError('invalid', message.charAt(0).toUpperCase() + message.slice(1));

/** The fields of `fields` that are given, so the input carries no key set to undefined. */
function given<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** Claude Code on another machine: its folder and its worktree are that machine's. */
function overSsh(request: AgentRequest, dest: string, names: OptionNames): Partial<AddAgentInput> {
  const local = (['remote', 'sandbox', 'takesPrompts'] as const).find((o) => request[o]);
  if (local)
    throw invalid(`${names[local]} is for an agent on this machine; it does not go with ${names.ssh}.`);
  if (!dest.trim())
    throw invalid(`${names.ssh} is empty: give user@host, or a Host alias from ~/.ssh/config.`);
  return { ssh: { dest, ...given({ command: request.command }) }, ...worktreeOf(request, names) };
}

function onThisMachine(request: AgentRequest, names: OptionNames): Partial<AddAgentInput> {
  const profile = profileOf(request, names);
  return {
    ...(profile ? { profile } : {}),
    ...worktreeOf(request, names),
    ...given({ remote: request.remote }),
  };
}

/** What runs, when it is not plain Claude Code (the studio's default). */
function profileOf(request: AgentRequest, names: OptionNames): AgentProfile | undefined {
  let profile = request.command !== undefined ? commandProfile(request.command, names) : undefined;
  if (request.takesPrompts) {
    if (profile?.kind !== 'command')
      throw invalid(`${names.takesPrompts} goes with ${names.command} (Claude Code always takes prompts).`);
    profile = { ...profile, takesPrompts: true };
  }
  if (request.sandbox) {
    if (profile?.kind === 'command' || request.remote)
      throw invalid(`${names.sandbox} is Claude Code's own sandbox, for a local Claude Code agent.`);
    profile = { ...(profile ?? { kind: 'claude' }), sandbox: true };
  }
  return profile;
}

function commandProfile(command: string, names: OptionNames): AgentProfile {
  const words = command.trim().split(/\s+/);
  if (!words[0]) throw invalid(`${names.command} needs a program.`);
  return words[0] === 'claude'
    ? { kind: 'claude', args: words.slice(1) }
    : { kind: 'command', command: words[0], args: words.slice(1) };
}

function worktreeOf(request: AgentRequest, names: OptionNames): Partial<AddAgentInput> {
  if (!request.worktree) {
    if (request.base !== undefined || request.worktreeDir !== undefined)
      throw invalid(`${names.base} and ${names.worktreeDir} go with ${names.worktree}.`);
    return {};
  }
  return { worktree: given({ base: request.base, parent: request.worktreeDir }) };
}
