import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { TASK_PRIORITIES, type TaskDetail, type TaskPriority } from '../../../main/contract/model.js';
import type { StudioClient } from '../../../main/contract/pipe.js';
import type { FolderCheck } from '../../../main/contract/service.js';
import { parseBlockers } from '../board/boardLogic.js';
import type { AgentView } from '../state/studioState.js';
import { FolderField, trustNote, useFolderChoices } from './FolderField.js';

export function Modal({
  title,
  onClose,
  children,
  wide,
}: {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** A review: room for a side-by-side diff. */
  wide?: boolean;
}) {
  useEffect(() => {
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', esc);
    return () => window.removeEventListener('keydown', esc);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`modal${wide ? ' wide' : ''}`} role="dialog" aria-label={title}>
        <header className="panel-header">
          <h2>{title}</h2>
          <button onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

/** A checkbox with its sentence, for the forms (the hint shows on hover). */
export function Check({
  checked,
  onChange,
  testId,
  hint,
  children,
}: {
  checked: boolean;
  onChange(checked: boolean): void;
  testId?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <label className="check" {...(hint ? { title: hint } : {})}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        {...(testId ? { 'data-testid': testId } : {})}
      />{' '}
      {children}
    </label>
  );
}

/** Runs a studio call for a form: shows its error in the form and keeps the form open on failure. */
function useSubmit(onDone: () => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (run: () => Promise<unknown>) => (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    run().then(
      () => {
        setBusy(false);
        onDone();
      },
      (err: Error) => {
        setBusy(false);
        setError(err.message);
      },
    );
  };
  return { error, busy, submit };
}

export function AddAgentDialog({
  client,
  agents,
  desktop,
  notify,
  onClose,
}: {
  client: StudioClient;
  /** The studio's agents: one already working in the repository makes a worktree the default. */
  agents: AgentView[];
  desktop: boolean;
  notify(text: string, error?: boolean): void;
  onClose(): void;
}) {
  const choices = useFolderChoices(client);
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
            client={client}
            label="Working folder"
            value={folder}
            onChange={setCwd}
            onCheck={setCheck}
            recent={choices?.recent ?? []}
            desktop={desktop}
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

interface TaskEditorProps {
  client: StudioClient;
  agents: AgentView[];
  /** Editing an existing task; absent for a new one. */
  task?: TaskDetail;
  notify(text: string, error?: boolean): void;
  onClose(): void;
}

export function TaskEditor({ client, agents, task, notify, onClose }: TaskEditorProps) {
  const [title, setTitle] = useState(task?.title ?? '');
  const [body, setBody] = useState(task?.body ?? '');
  const [priority, setPriority] = useState<TaskPriority>(task?.priority ?? 'normal');
  const [blockers, setBlockers] = useState(task?.blockedBy.join(', ') ?? '');
  const [assignee, setAssignee] = useState('');
  const { error, busy, submit } = useSubmit(onClose);
  const run = async () => {
    const parsed = parseBlockers(blockers);
    if (!parsed.ok) throw new Error(parsed.error);
    const saved = task
      ? await client.updateTask({ id: task.id, title, body, priority, blockedBy: parsed.ids })
      : await client.createTask({
          title,
          body,
          priority,
          ...(parsed.ids.length ? { blockedBy: parsed.ids } : {}),
          ...(assignee ? { assignee } : {}),
        });
    if (saved.warning) notify(saved.warning, true);
  };
  return (
    <Modal title={task ? `Edit #${task.id}` : 'New task'} onClose={onClose}>
      <form className="form" onSubmit={submit(run)} data-testid="task-form">
        <label>
          Title
          <input autoFocus required value={title} onChange={(e) => setTitle(e.target.value)} name="title" />
        </label>
        <label>
          Details
          <textarea rows={5} value={body} onChange={(e) => setBody(e.target.value)} name="body" />
        </label>
        <label>
          Priority
          <select
            value={priority}
            onChange={(e) => setPriority(e.target.value as TaskPriority)}
            name="priority"
          >
            {TASK_PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Blocked by (task numbers)
          <input
            value={blockers}
            onChange={(e) => setBlockers(e.target.value)}
            placeholder="3, 7"
            name="blockedBy"
          />
        </label>
        {!task && (
          <label>
            Dispatch to
            <select value={assignee} onChange={(e) => setAssignee(e.target.value)} name="assignee">
              <option value="">(backlog: drag it onto a tile later)</option>
              {agents
                .filter((a) => a.kind === 'agent')
                .map((a) => (
                  <option key={a.id}>{a.name}</option>
                ))}
            </select>
          </label>
        )}
        {error && <p className="form-error">{error}</p>}
        <footer>
          <button type="submit" disabled={busy}>
            {task ? 'Save' : 'Create'}
          </button>
        </footer>
      </form>
    </Modal>
  );
}

export function TaskDetailDialog({
  client,
  id,
  version,
  onEdit,
  onClose,
}: {
  client: StudioClient;
  id: number;
  /** Bumps when the task changes, so the history reloads live. */
  version: number;
  onEdit(task: TaskDetail): void;
  onClose(): void;
}) {
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.getTask(id).then(setTask, (err: Error) => setError(err.message));
  }, [client, id, version]);
  return (
    <Modal title={task ? `#${task.id} ${task.title}` : `Task #${id}`} onClose={onClose}>
      {error && <p className="form-error">{error}</p>}
      {task && (
        <div className="task-detail" data-testid="task-detail">
          <p className="card-meta">
            <span className={`priority p-${task.priority}`}>{task.priority}</span>{' '}
            {task.status.replace('_', ' ')}
            {task.assignee ? ` · ${task.assignee}` : ' · unassigned'} · from {task.dispatcher}
            {task.blockedBy.length > 0 && ` · blocked by ${task.blockedBy.map((b) => `#${b}`).join(', ')}`}
          </p>
          {task.body && <pre className="task-body">{task.body}</pre>}
          {task.result && (
            <>
              <h3>Result</h3>
              <pre className="task-body" data-testid="task-result">
                {task.result}
              </pre>
            </>
          )}
          <h3>History</h3>
          <ol className="history">
            {task.events.map((e) => (
              <li key={e.id}>
                <time>{new Date(e.createdAt).toLocaleString()}</time> <b>{e.actor}</b> {e.kind}
                {e.toStatus && e.kind === 'status' ? ` → ${e.toStatus}` : ''}
                {e.note ? `: ${e.note}` : ''}
              </li>
            ))}
          </ol>
          <footer>
            <button onClick={() => onEdit(task)}>Edit</button>
          </footer>
        </div>
      )}
    </Modal>
  );
}

/** Removing an agent; one with a worktree may take it (and its merged branches) along. */
export function RemoveAgentDialog({
  client,
  agent,
  notify,
  onClose,
}: {
  client: StudioClient;
  agent: AgentView;
  notify(text: string, error?: boolean): void;
  onClose(): void;
}) {
  const [removeWorktree, setRemoveWorktree] = useState(false);
  const { error, busy, submit } = useSubmit(onClose);
  const run = async () => {
    await client.removeAgent(agent.name, removeWorktree ? { removeWorktree: true } : {});
    notify(
      agent.workspace && !removeWorktree
        ? `Removed ${agent.name}; its worktree stays at ${agent.workspace.path}`
        : `Removed ${agent.name}`,
    );
  };
  return (
    <Modal title={`Remove ${agent.name}?`} onClose={onClose}>
      <form className="form" onSubmit={submit(run)} data-testid="remove-agent-form">
        <p>Its terminal stops; its mail and tasks stay in history.</p>
        {agent.workspace && (
          <Check
            checked={removeWorktree}
            onChange={setRemoveWorktree}
            testId="remove-agent-worktree"
            hint="Refused, with the files named, if it holds work not committed or not merged"
          >
            Also remove its worktree {agent.workspace.path} and its merged branches
          </Check>
        )}
        {error && (
          <p className="form-error" role="alert" data-testid="remove-agent-error">
            {error}
          </p>
        )}
        <footer>
          <button type="submit" disabled={busy} data-testid="remove-agent-confirm">
            Remove
          </button>
        </footer>
      </form>
    </Modal>
  );
}
