// The Add agent dialog's form without a browser: its reducer, the worktree it proposes, and the
// input it asks the studio for, built by the builder `ccstudio agent add` uses too. Every input
// here is what the old dialog sent for the same fields (a plain Claude Code agent now carries no
// profile, which the studio reads as Claude Code, as before).
import { describe, expect, it } from 'vitest';
import { isStudioError } from '../../main/contract/errors.js';
import { addAgentInput, type AddAgentInput } from '../../main/contract/inputs.js';
import type { FolderCheck } from '../../main/contract/service.js';
import {
  addAgentFormReducer,
  addAgentInputOf,
  NEW_AGENT_FORM,
  sharesCheckout,
  wantsWorktree,
  type AddAgentAction,
  type AddAgentForm,
  type FormContext,
} from '../../renderer/src/components/dialogs/addAgent/addAgentForm.js';
import type { AgentView } from '../../renderer/src/state/studioState.js';
import { makeAgent } from '../support/modelFixtures.js';

const view = (over: Partial<AgentView>): AgentView => ({
  ...makeAgent(over),
  unread: 0,
  openTasks: 0,
  ...over,
});

/** The form after the person did these, one action at a time, from a new dialog. */
const filled = (...actions: AddAgentAction[]): AddAgentForm =>
  actions.reduce(addAgentFormReducer, NEW_AGENT_FORM);
const set = <K extends keyof AddAgentForm>(field: K, value: AddAgentForm[K]) =>
  ({ type: 'set', field, value }) as AddAgentAction;

const REPO: FolderCheck = {
  path: '/work/app',
  ok: true,
  git: true,
  repo: {
    root: '/work/app',
    branch: 'main',
    branches: ['main', 'dev'],
    worktreeParent: '/work/app-worktrees',
  },
};
const alone: FormContext = { agents: [], suggested: '/work/app' };
/** Another agent at work in the repository's own checkout. */
const sharing: FormContext = {
  agents: [view({ id: 2, name: 'bob', cwd: '/work/app/src' })],
  suggested: '/work/app',
};

/** The input the form asks for, accepted by the schema the service checks it with. */
function inputOf(form: AddAgentForm, context = alone): AddAgentInput {
  const input = addAgentInputOf(form, context);
  expect(addAgentInput.safeParse(input).error).toBeUndefined();
  return input;
}

function refusal(form: AddAgentForm): string {
  try {
    addAgentInputOf(form, alone);
  } catch (err) {
    expect(isStudioError(err) && err.code).toBe('invalid');
    return (err as Error).message;
  }
  throw new Error('not refused');
}

describe('the add-agent form', () => {
  it('changes one field at a time and leaves the form it was given as it was', () => {
    const before = filled(set('name', 'ann'));
    const after = addAgentFormReducer(before, set('where', 'ssh'));
    expect(after).toEqual({ ...before, where: 'ssh' });
    expect(before.where).toBe('here');
    expect(NEW_AGENT_FORM.name).toBe('');
    // Nothing changed: the same form, so React draws nothing again.
    expect(addAgentFormReducer(after, set('where', 'ssh'))).toBe(after);
  });

  it('asks for Claude Code in the suggested folder, its text trimmed and blanks left out', () => {
    expect(inputOf(filled(set('name', ' ann '), set('rolePrompt', '  ')))).toEqual({
      name: 'ann',
      role: 'engineer',
      commander: false,
      cwd: '/work/app',
    });
    const typed = filled(
      set('name', 'ann'),
      set('role', ' reviewer '),
      set('cwd', ' /srv/x '),
      set('commander', true),
      set('rolePrompt', ' Review. '),
      set('sandbox', true),
    );
    expect(inputOf(typed)).toEqual({
      name: 'ann',
      role: 'reviewer',
      commander: true,
      rolePrompt: 'Review.',
      cwd: '/srv/x',
      profile: { kind: 'claude', sandbox: true },
    });
  });

  it('runs another command, split into its program and arguments; an empty one is refused in its words', () => {
    const form = filled(set('name', 'cdx'), set('kind', 'command'), set('command', ' codex  --full-auto'));
    expect(inputOf(form).profile).toEqual({ kind: 'command', command: 'codex', args: ['--full-auto'] });
    expect(inputOf(addAgentFormReducer(form, set('takesPrompts', true))).profile).toMatchObject({
      takesPrompts: true,
    });
    // The sandbox box is Claude Code's: hidden for a command, its old tick is not sent.
    expect(inputOf(addAgentFormReducer(form, set('sandbox', true))).profile).toEqual({
      kind: 'command',
      command: 'codex',
      args: ['--full-auto'],
    });
    expect(refusal(filled(set('name', 'x'), set('kind', 'command')))).toBe('The command needs a program.');
  });

  it('proposes a worktree where another agent works in the checkout; the person may say no', () => {
    const form = filled(set('name', 'w'), set('check', REPO));
    expect(sharesCheckout(form, sharing.agents)).toBe(true);
    expect(wantsWorktree(form, sharing.agents)).toBe(true);
    expect(wantsWorktree(form, alone.agents)).toBe(false);
    expect(inputOf(form, sharing).worktree).toEqual({});
    expect(inputOf(form, alone).worktree).toBeUndefined();
    expect(inputOf(addAgentFormReducer(form, set('worktree', false)), sharing).worktree).toBeUndefined();
    // Agents in a worktree, on another machine, or elsewhere do not share the checkout.
    for (const other of [
      { workspace: { path: '/w', branch: 'b', base: 'main', repo: '/work/app', created: true } },
      { remote: true },
      { cwd: '/work/application' },
    ])
      expect(sharesCheckout(form, [view({ id: 3, cwd: '/work/app', ...other } as Partial<AgentView>)])).toBe(
        false,
      );
  });

  it("names the worktree's branch only when another was picked, and its folder when typed", () => {
    const form = filled(set('name', 'w'), set('check', REPO), set('worktree', true), set('parent', ' /wt '));
    expect(inputOf(addAgentFormReducer(form, set('base', 'main'))).worktree).toEqual({ parent: '/wt' });
    expect(inputOf(addAgentFormReducer(form, set('base', 'dev'))).worktree).toEqual({
      base: 'dev',
      parent: '/wt',
    });
    // No repository checked (yet): no worktree, whatever was ticked.
    expect(inputOf(addAgentFormReducer(form, set('check', null))).worktree).toBeUndefined();
  });

  it('over SSH: the machine, its folder, Claude Code and worktree there; the fields of here are not sent', () => {
    const form = filled(
      set('name', 'far'),
      set('sandbox', true),
      set('kind', 'command'),
      set('takesPrompts', true),
      set('where', 'ssh'),
      set('sshDest', ' me@box '),
      set('remoteCwd', '~/p'),
      set('remoteClaude', ' '),
      set('remoteBase', 'dev'),
    );
    expect(inputOf(form)).toEqual({
      name: 'far',
      role: 'engineer',
      commander: false,
      cwd: '~/p',
      ssh: { dest: 'me@box' },
    });
    expect(inputOf(addAgentFormReducer(form, set('remoteWorktree', true))).worktree).toEqual({ base: 'dev' });
    expect(refusal(addAgentFormReducer(form, set('sshDest', '  ')))).toBe(
      'The machine is empty: give user@host, or a Host alias from ~/.ssh/config.',
    );
  });
});
