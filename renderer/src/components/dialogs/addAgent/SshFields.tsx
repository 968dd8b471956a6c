import { Check } from '../../forms/forms.js';
import { branchOf, type FieldsProps } from './fields.js';

/** An agent on another machine: which one, its folder and Claude Code there, a worktree made there. */
export function SshFields({ form, set }: FieldsProps) {
  return (
    <>
      <label>
        Machine
        <input
          value={form.sshDest}
          onChange={(e) => set('sshDest')(e.target.value)}
          placeholder="me@build-box, or a Host alias from ~/.ssh/config"
          data-testid="add-agent-ssh"
        />
      </label>
      <p className="form-hint">
        Through your own ssh: your keys, agent and known_hosts. The studio asks for no password and accepts no
        unknown host key; connect once with ssh in a terminal first.
      </p>
      <label>
        Folder there
        <input
          value={form.remoteCwd}
          onChange={(e) => set('remoteCwd')(e.target.value)}
          placeholder="~/project (default: its home folder)"
          data-testid="add-agent-remote-cwd"
        />
      </label>
      <label>
        Claude Code there
        <input
          value={form.remoteClaude}
          onChange={(e) => set('remoteClaude')(e.target.value)}
          placeholder="claude (on its PATH)"
          data-testid="add-agent-remote-claude"
        />
      </label>
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
      <label>
        From branch
        <input
          value={form.remoteBase}
          onChange={(e) => set('remoteBase')(e.target.value)}
          placeholder="the branch checked out there"
          data-testid="add-agent-remote-base"
        />
      </label>
      <label>
        Worktrees go in
        <input
          value={form.remoteParent}
          onChange={(e) => set('remoteParent')(e.target.value)}
          placeholder="REPO-worktrees/ beside it there"
          data-testid="add-agent-remote-worktree-dir"
        />
      </label>
    </div>
  );
}
