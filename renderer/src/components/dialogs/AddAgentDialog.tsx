import { useState } from 'react';
import type { FolderCheck } from '../../../../main/contract/service.js';
import { useStudio } from '../../app/StudioContext.js';
import type { AgentView } from '../../state/studioState.js';
import { FolderField, trustNote, useFolderChoices } from '../FolderField.js';
import { Check, useSubmit } from '../forms.js';
import { Modal } from './Modal.js';

export function AddAgentDialog({
  agents,
  onClose,
}: {
  /** The studio's agents: one already working in the repository makes a worktree the default. */
  agents: AgentView[];
  onClose(): void;
}) {
  const { client, notify } = useStudio();
  const choices = useFolderChoices();
  const [name, setName] = useState('');
  const [role, setRole] = useState('engineer');
  const [kind, setKind] = useState<'claude' | 'command'>('claude');
  /** This machine, or another one reached over the person's SSH. */
  const [where, setWhere] = useState<'here' | 'ssh'>('here');
  const [sshDest, setSshDest] = useState('');
  const [remoteCwd, setRemoteCwd] = useState('');
  const [remoteClaude, setRemoteClaude] = useState('');
  /** A worktree made on the other machine, by its git, from the repository "Folder there" is in. */
  const [remoteWorktree, setRemoteWorktree] = useState(false);
  const [remoteBase, setRemoteBase] = useState('');
  const [remoteParent, setRemoteParent] = useState('');
  const [command, setCommand] = useState('');
  const [cwd, setCwd] = useState<string | null>(null);
  const [takesPrompts, setTakesPrompts] = useState(false);
  const [commander, setCommander] = useState(false);
  const [sandbox, setSandbox] = useState(false);
  const [rolePrompt, setRolePrompt] = useState('');
  const [check, setCheck] = useState<FolderCheck | null>(null);
  const [worktreeChoice, setWorktree] = useState<boolean | null>(null);
  const [base, setBase] = useState('');
  const [parent, setParent] = useState('');
  const { error, busy, submit } = useSubmit(onClose);
  const repo = check?.ok ? check.repo : undefined;
  // Another agent already edits this repository's checkout: a second one there would step on it.
  const shared =
    !!repo &&
    agents.some(
      (a) =>
        a.kind === 'agent' &&
        !a.remote &&
        !a.workspace &&
        (a.cwd === repo.root || a.cwd.startsWith(repo.root + '/')),
    );
  const worktree = worktreeChoice ?? shared;
  const ssh = where === 'ssh';
  const run = async () => {
    if (ssh && !sshDest.trim())
      throw new Error('Give the machine: user@host, or a Host alias from ~/.ssh/config.');
    const words = command.trim().split(/\s+/).filter(Boolean);
    if (kind === 'command' && !words.length) throw new Error('Give the command to run.');
    const { agent } = await client.addAgent(
      ssh
        ? {
            name: name.trim(),
            role: role.trim(),
            ...(remoteCwd.trim() ? { cwd: remoteCwd.trim() } : {}),
            commander,
            ...(rolePrompt.trim() ? { rolePrompt: rolePrompt.trim() } : {}),
            ssh: { dest: sshDest.trim(), ...(remoteClaude.trim() ? { command: remoteClaude.trim() } : {}) },
            ...(remoteWorktree
              ? {
                  worktree: {
                    ...(remoteBase.trim() ? { base: remoteBase.trim() } : {}),
                    ...(remoteParent.trim() ? { parent: remoteParent.trim() } : {}),
                  },
                }
              : {}),
          }
        : {
            name: name.trim(),
            role: role.trim(),
            ...(folder.trim() ? { cwd: folder.trim() } : {}),
            commander,
            ...(rolePrompt.trim() ? { rolePrompt: rolePrompt.trim() } : {}),
            ...(worktree && repo
              ? {
                  worktree: {
                    ...(base && base !== repo.branch ? { base } : {}),
                    ...(parent.trim() ? { parent: parent.trim() } : {}),
                  },
                }
              : {}),
            profile:
              kind === 'claude'
                ? { kind: 'claude', ...(sandbox ? { sandbox: true } : {}) }
                : {
                    kind: 'command',
                    command: words[0]!,
                    args: words.slice(1),
                    ...(takesPrompts ? { takesPrompts: true } : {}),
                  },
          },
    );
    // Added either way; a start that fails is said here, and its tile shows why and what to try.
    await client.startAgent(agent.name).then(
      () => notify(`Started ${agent.name}.`),
      (err: Error) => notify(err.message, true),
    );
  };
  const folder = cwd ?? choices?.suggested ?? '';
  return (
    <Modal title="Add agent" onClose={onClose}>
      <form className="form" onSubmit={submit(run)} data-testid="add-agent-form">
        <label>
          Name
          <input
            autoFocus
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="agent-3"
          />
        </label>
        <label>
          Role
          <input value={role} onChange={(e) => setRole(e.target.value)} />
        </label>
        <label>
          Where
          <select
            value={where}
            onChange={(e) => setWhere(e.target.value as 'here' | 'ssh')}
            data-testid="add-agent-where"
          >
            <option value="here">This machine</option>
            <option value="ssh">Another machine, over SSH</option>
          </select>
        </label>
        {ssh && (
          <>
            <label>
              Machine
              <input
                value={sshDest}
                onChange={(e) => setSshDest(e.target.value)}
                placeholder="me@build-box, or a Host alias from ~/.ssh/config"
                data-testid="add-agent-ssh"
              />
            </label>
            <p className="form-hint">
              Through your own ssh: your keys, agent and known_hosts. The studio asks for no password and
              accepts no unknown host key; connect once with ssh in a terminal first.
            </p>
            <label>
              Folder there
              <input
                value={remoteCwd}
                onChange={(e) => setRemoteCwd(e.target.value)}
                placeholder="~/project (default: its home folder)"
                data-testid="add-agent-remote-cwd"
              />
            </label>
            <label>
              Claude Code there
              <input
                value={remoteClaude}
                onChange={(e) => setRemoteClaude(e.target.value)}
                placeholder="claude (on its PATH)"
                data-testid="add-agent-remote-claude"
              />
            </label>
            <Check
              checked={remoteWorktree}
              onChange={setRemoteWorktree}
              testId="add-agent-remote-worktree"
              hint="Made there by its git, from the repository the folder there is in"
            >
              Own git worktree there, on a new branch ccstudio/{name.trim() || 'NAME'}/work
            </Check>
            {remoteWorktree && (
              <div className="worktree-options">
                <label>
                  From branch
                  <input
                    value={remoteBase}
                    onChange={(e) => setRemoteBase(e.target.value)}
                    placeholder="the branch checked out there"
                    data-testid="add-agent-remote-base"
                  />
                </label>
                <label>
                  Worktrees go in
                  <input
                    value={remoteParent}
                    onChange={(e) => setRemoteParent(e.target.value)}
                    placeholder="REPO-worktrees/ beside it there"
                    data-testid="add-agent-remote-worktree-dir"
                  />
                </label>
              </div>
            )}
          </>
        )}
        {!ssh && (
          <label>
            Runs
            <select
              value={kind}
              onChange={(e) => setKind(e.target.value as 'claude' | 'command')}
              data-testid="add-agent-kind"
            >
              <option value="claude">Claude Code</option>
              <option value="command">Another command</option>
            </select>
          </label>
        )}
        {!ssh && kind === 'command' && (
          <>
            <label>
              Command
              <input value={command} onChange={(e) => setCommand(e.target.value)} placeholder="bash" />
            </label>
            <Check
              checked={takesPrompts}
              onChange={setTakesPrompts}
              testId="add-agent-takes-prompts"
              hint="Off for a shell: it would run the studio's wake line as a command"
            >
              It takes prompts (Codex, Gemini CLI…): type wake lines into it when mail arrives
            </Check>
          </>
        )}
        {!ssh && (
          <FolderField
            label="Working folder"
            value={folder}
            onChange={setCwd}
            onCheck={setCheck}
            recent={choices?.recent ?? []}
            testId="add-agent-folder"
            hint={choices?.note}
          />
        )}
        {!ssh && repo && (
          <Check
            checked={worktree}
            onChange={setWorktree}
            testId="add-agent-worktree"
            hint="Its own folder and branch: agents on one repository never edit the same files"
          >
            Own git worktree, on a new branch ccstudio/{name.trim() || 'NAME'}/work
            {shared && worktreeChoice === null ? ' (another agent works in this checkout)' : ''}
          </Check>
        )}
        {!ssh && repo && worktree && (
          <div className="worktree-options">
            <label>
              From branch
              <select
                value={base || repo.branch}
                onChange={(e) => setBase(e.target.value)}
                data-testid="add-agent-base"
              >
                {repo.branches.map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Worktrees go in
              <input
                value={parent}
                onChange={(e) => setParent(e.target.value)}
                placeholder={repo.worktreeParent}
                data-testid="add-agent-worktree-dir"
              />
            </label>
          </div>
        )}
        {!ssh && kind === 'claude' && check && trustNote(check, !!repo && worktree) && (
          <p className="form-hint" data-testid="add-agent-trust">
            {trustNote(check, !!repo && worktree)}
          </p>
        )}
        <Check checked={commander} onChange={setCommander}>
          Commander
        </Check>
        {!ssh && kind === 'claude' && (
          <Check
            checked={sandbox}
            onChange={setSandbox}
            testId="add-agent-sandbox"
            hint="Claude Code's own sandbox; the agent cannot read the studio's files"
          >
            Sandboxed (its shell cannot read the studio's data or reach the network unasked)
          </Check>
        )}
        <label>
          Role prompt
          <textarea rows={3} value={rolePrompt} onChange={(e) => setRolePrompt(e.target.value)} />
        </label>
        {error && <p className="form-error">{error}</p>}
        <footer>
          <button type="submit" disabled={busy}>
            Add and start
          </button>
        </footer>
      </form>
    </Modal>
  );
}
