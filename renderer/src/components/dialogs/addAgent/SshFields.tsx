import { Check } from '../../forms/forms.js';
import { branchOf, type FieldsProps } from './fields.js';
import { TextFields, type TextSpec } from './TextFields.js';

const MACHINE: TextSpec[] = [
  {
    field: 'sshDest',
    label: 'Machine',
    placeholder: 'me@build-box, or a Host alias from ~/.ssh/config',
    testId: 'add-agent-ssh',
  },
];

const THERE: TextSpec[] = [
  {
    field: 'remoteCwd',
    label: 'Folder there',
    placeholder: '~/project (default: its home folder)',
    testId: 'add-agent-remote-cwd',
  },
  {
    field: 'remoteClaude',
    label: 'Claude Code there',
    placeholder: 'claude (on its PATH)',
    testId: 'add-agent-remote-claude',
  },
];

const WORKTREE_THERE: TextSpec[] = [
  {
    field: 'remoteBase',
    label: 'From branch',
    placeholder: 'the branch checked out there',
    testId: 'add-agent-remote-base',
  },
  {
    field: 'remoteParent',
    label: 'Worktrees go in',
    placeholder: 'REPO-worktrees/ beside it there',
    testId: 'add-agent-remote-worktree-dir',
  },
];

/** An agent on another machine: which one, its folder and Claude Code there, a worktree made there. */
export function SshFields({ form, set }: FieldsProps) {
  return (
    <>
      <TextFields specs={MACHINE} form={form} set={set} />
      <p className="form-hint">
        Through your own ssh: your keys, agent and known_hosts. The studio asks for no password and accepts no
        unknown host key; connect once with ssh in a terminal first.
      </p>
      <TextFields specs={THERE} form={form} set={set} />
      <Check
        checked={form.remoteWorktree}
        onChange={set('remoteWorktree')}
        testId="add-agent-remote-worktree"
        hint="Made there by its git, from the repository the folder there is in"
      >
        Own git worktree there, on a new branch {branchOf(form)}
      </Check>
      {form.remoteWorktree && <RemoteWorktreeFields form={form} set={set} />}
    </>
  );
}

function RemoteWorktreeFields({ form, set }: FieldsProps) {
  return (
    <div className="worktree-options">
      <TextFields specs={WORKTREE_THERE} form={form} set={set} />
    </div>
  );
}
