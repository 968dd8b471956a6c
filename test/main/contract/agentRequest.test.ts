// The one builder of AddAgentInput, shared by `ccstudio agent add` and the Add agent dialog: what
// each request becomes, every input it builds accepted by the service's own zod schema, and each
// wrong combination refused in the surface's words, with nothing built.
import { describe, expect, it } from 'vitest';
import {
  buildAddAgentInput,
  type AgentRequest,
  type OptionNames,
} from '../../../main/contract/agentRequest.js';
import { isStudioError } from '../../../main/contract/errors.js';
import { addAgentInput, type AddAgentInput } from '../../../main/contract/inputs.js';

const FLAGS: OptionNames = {
  ssh: '--ssh',
  command: '--command',
  takesPrompts: '--takes-prompts',
  sandbox: '--sandbox',
  remote: '--remote',
  worktree: '--worktree',
  base: '--base',
  worktreeDir: '--worktree-dir',
};

/** Built, and accepted by the schema the service checks every addAgent with. */
function built(request: AgentRequest): AddAgentInput {
  const input = buildAddAgentInput(request, FLAGS);
  expect(addAgentInput.safeParse(input).error).toBeUndefined();
  return input;
}

/** The message of the StudioError ('invalid') the request is refused with. */
function refusal(request: AgentRequest, names = FLAGS): string {
  try {
    buildAddAgentInput(request, names);
  } catch (err) {
    expect(isStudioError(err) && err.code).toBe('invalid');
    return (err as Error).message;
  }
  throw new Error('not refused');
}

describe('buildAddAgentInput', () => {
  it('carries only what is given: a name alone is Claude Code with the defaults', () => {
    expect(built({ name: 'ann' })).toEqual({ name: 'ann' });
    expect(
      built({ name: 'ann', role: undefined, cwd: undefined, commander: undefined, worktree: undefined }),
    ).toEqual({ name: 'ann' });
    expect(
      built({
        name: 'ann',
        role: 'reviewer',
        summary: 'reads diffs',
        rolePrompt: 'Review everything.',
        cwd: '/work/app',
        commander: true,
      }),
    ).toEqual({
      name: 'ann',
      role: 'reviewer',
      summary: 'reads diffs',
      rolePrompt: 'Review everything.',
      cwd: '/work/app',
      commander: true,
    });
  });

  it('turns a command line into what runs: a program and its arguments, or Claude Code with arguments', () => {
    expect(built({ name: 'sh1', command: 'bash' }).profile).toEqual({
      kind: 'command',
      command: 'bash',
      args: [],
    });
    expect(built({ name: 'cdx', command: '  codex  --full-auto ', takesPrompts: true }).profile).toEqual({
      kind: 'command',
      command: 'codex',
      args: ['--full-auto'],
      takesPrompts: true,
    });
    expect(built({ name: 'c', command: 'claude --model opus' }).profile).toEqual({
      kind: 'claude',
      args: ['--model', 'opus'],
    });
    expect(built({ name: 'box', sandbox: true }).profile).toEqual({ kind: 'claude', sandbox: true });
    expect(built({ name: 'box', command: 'claude -c', sandbox: true }).profile).toEqual({
      kind: 'claude',
      args: ['-c'],
      sandbox: true,
    });
  });

  it('asks for a worktree with its branch and folder only when given, and marks a remote client', () => {
    expect(built({ name: 'w', cwd: '/r', worktree: true })).toEqual({ name: 'w', cwd: '/r', worktree: {} });
    expect(built({ name: 'w', worktree: true, base: 'dev', worktreeDir: '/wt' }).worktree).toEqual({
      base: 'dev',
      parent: '/wt',
    });
    expect(built({ name: 'far', remote: true })).toEqual({ name: 'far', remote: true });
  });

  it('over SSH: the destination, its Claude Code and folders as named there, no profile', () => {
    expect(
      built({
        name: 'b',
        ssh: 'me@box',
        command: '/opt/claude code/claude',
        cwd: '~/project',
        worktree: true,
        worktreeDir: 'wt',
        rolePrompt: 'Build it.',
        commander: false,
      }),
    ).toEqual({
      name: 'b',
      cwd: '~/project',
      rolePrompt: 'Build it.',
      commander: false,
      ssh: { dest: 'me@box', command: '/opt/claude code/claude' },
      worktree: { parent: 'wt' },
    });
  });

  it('refuses what does not go together, naming the options as the surface does', () => {
    expect(refusal({ name: 'x', takesPrompts: true })).toBe(
      '--takes-prompts goes with --command (Claude Code always takes prompts).',
    );
    expect(refusal({ name: 'x', command: 'claude', takesPrompts: true })).toMatch(/^--takes-prompts goes/);
    expect(refusal({ name: 'x', command: 'bash', sandbox: true })).toBe(
      "--sandbox is Claude Code's own sandbox, for a local Claude Code agent.",
    );
    expect(refusal({ name: 'x', remote: true, sandbox: true })).toMatch(/^--sandbox is Claude Code's own/);
    expect(refusal({ name: 'x', base: 'main' })).toBe('--base and --worktree-dir go with --worktree.');
    expect(refusal({ name: 'x', worktreeDir: '/wt', ssh: 'box' })).toBe(
      '--base and --worktree-dir go with --worktree.',
    );
    for (const local of ['remote', 'sandbox', 'takesPrompts'] as const)
      expect(refusal({ name: 'x', ssh: 'box', [local]: true })).toBe(
        `${FLAGS[local]} is for an agent on this machine; it does not go with --ssh.`,
      );
  });

  it('refuses an empty command or machine, in the words of the surface that asked', () => {
    expect(refusal({ name: 'x', command: '  ' })).toBe('--command needs a program.');
    expect(refusal({ name: 'x', ssh: ' ' })).toBe(
      '--ssh is empty: give user@host, or a Host alias from ~/.ssh/config.',
    );
    const fields = { ...FLAGS, command: 'the command', ssh: 'the machine' };
    expect(refusal({ name: 'x', command: '' }, fields)).toBe('The command needs a program.');
    expect(refusal({ name: 'x', ssh: '' }, fields)).toMatch(/^The machine is empty: give user@host/);
  });

  it('leaves the request as it was', () => {
    const request: AgentRequest = { name: 'w', command: 'bash', worktree: true, base: 'dev' };
    const copy = structuredClone(request);
    built(request);
    expect(request).toEqual(copy);
  });
});
