// The Add agent dialog's fields as one value, changed by a pure reducer, and what they ask for:
// the request the CLI's `agent add` makes too, built into AddAgentInput by the one shared builder
// (main/contract/agentRequest.ts). Tested without a browser in test/renderer/addAgentForm.test.ts.
import {
  buildAddAgentInput,
  type AgentRequest,
  type OptionNames,
} from '../../../../../main/contract/agentRequest.js';
import type { AddAgentInput } from '../../../../../main/contract/inputs.js';
import type { FolderCheck } from '../../../../../main/contract/service.js';
import type { AgentView } from '../../../state/studioState.js';

export interface AddAgentForm {
  name: string;
  role: string;
  /** This machine, or another one reached over the person's SSH. */
  where: 'here' | 'ssh';
  commander: boolean;
  rolePrompt: string;
  // On this machine.
  kind: 'claude' | 'command';
  command: string;
  takesPrompts: boolean;
  sandbox: boolean;
  /** The folder as typed; null until then (the studio's suggestion shows). */
  cwd: string | null;
  /** The studio's check of the folder shown (null while one is in flight). */
  check: FolderCheck | null;
  /** The person's choice of a worktree; null until they make one (the default shows). */
  worktree: boolean | null;
  /** The branch picked ('' is the one checked out), and where worktrees go ('' the default). */
  base: string;
  parent: string;
  // On another machine: its names for things, as typed.
  sshDest: string;
  remoteCwd: string;
  remoteClaude: string;
  /** A worktree made there, by its git, from the repository "Folder there" is in. */
  remoteWorktree: boolean;
  remoteBase: string;
  remoteParent: string;
}

export const NEW_AGENT_FORM: AddAgentForm = {
  name: '',
  role: 'engineer',
  where: 'here',
  commander: false,
  rolePrompt: '',
  kind: 'claude',
  command: '',
  takesPrompts: false,
  sandbox: false,
  cwd: null,
  check: null,
  worktree: null,
  base: '',
  parent: '',
  sshDest: '',
  remoteCwd: '',
  remoteClaude: '',
  remoteWorktree: false,
  remoteBase: '',
  remoteParent: '',
};

/** One field changed; every field keeps its value while hidden, as the form showed it last. */
export type AddAgentAction = {
  [K in keyof AddAgentForm]: { type: 'set'; field: K; value: AddAgentForm[K] };
}[keyof AddAgentForm];

export function addAgentFormReducer(form: AddAgentForm, action: AddAgentAction): AddAgentForm {
  switch (action.type) {
    case 'set':
      return form[action.field] === action.value ? form : { ...form, [action.field]: action.value };
  }
}

/** What the form needs from outside itself to say what it asks for. */
export interface FormContext {
  /** The studio's agents: one already working in the repository makes a worktree the default. */
  agents: readonly AgentView[];
  /** The folder the studio suggests while none is typed. */
  suggested: string | undefined;
}

export const folderOf = (form: AddAgentForm, suggested: string | undefined): string =>
  form.cwd ?? suggested ?? '';

/** The git repository the folder is in, once the studio has checked it. */
export const repoOf = (form: AddAgentForm) => (form.check?.ok ? form.check.repo : undefined);

/** Another agent already edits this repository's checkout: a second one there would step on it. */
export function sharesCheckout(form: AddAgentForm, agents: readonly AgentView[]): boolean {
  const repo = repoOf(form);
  return (
    !!repo &&
    agents.some(
      (a) =>
        a.kind === 'agent' &&
        !a.remote &&
        !a.workspace &&
        (a.cwd === repo.root || a.cwd.startsWith(repo.root + '/')),
    )
  );
}

/** A worktree on this machine: the person's choice, else yes where another agent shares the checkout. */
export const wantsWorktree = (form: AddAgentForm, agents: readonly AgentView[]): boolean =>
  form.worktree ?? sharesCheckout(form, agents);

/** How the dialog names, in the shared builder's errors, the options a person can get wrong. */
export const DIALOG_FIELDS: OptionNames = {
  ssh: 'the machine',
  command: 'the command',
  takesPrompts: '"It takes prompts"',
  sandbox: '"Sandboxed"',
  remote: 'a remote agent',
  worktree: '"Own git worktree"',
  base: '"From branch"',
  worktreeDir: '"Worktrees go in"',
};

/** Text as typed, trimmed; empty is not given. */
const typed = (text: string): string | undefined => text.trim() || undefined;

/** What the form asks for: only the fields it shows, trimmed, blanks left out. */
export function requestOf(form: AddAgentForm, { agents, suggested }: FormContext): AgentRequest {
  const common = {
    name: form.name.trim(),
    role: form.role.trim(),
    commander: form.commander,
    rolePrompt: typed(form.rolePrompt),
  };
  if (form.where === 'ssh')
    return {
      ...common,
      ssh: form.sshDest.trim(),
      cwd: typed(form.remoteCwd),
      command: typed(form.remoteClaude),
      worktree: form.remoteWorktree,
      ...(form.remoteWorktree ? { base: typed(form.remoteBase), worktreeDir: typed(form.remoteParent) } : {}),
    };
  const repo = repoOf(form);
  const worktree = !!repo && wantsWorktree(form, agents);
  return {
    ...common,
    cwd: typed(folderOf(form, suggested)),
    ...(form.kind === 'command'
      ? { command: form.command, takesPrompts: form.takesPrompts }
      : { sandbox: form.sandbox }),
    worktree,
    ...(worktree
      ? {
          // The branch checked out there is the default: said only when another was picked.
          base: form.base && form.base !== repo.branch ? form.base : undefined,
          worktreeDir: typed(form.parent),
        }
      : {}),
  };
}

/** The service's input for the form, or the error to show in it (a StudioError, 'invalid'). */
export const addAgentInputOf = (form: AddAgentForm, context: FormContext): AddAgentInput =>
  buildAddAgentInput(requestOf(form, context), DIALOG_FIELDS);
