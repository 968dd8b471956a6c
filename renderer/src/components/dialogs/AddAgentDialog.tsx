import { useMemo, useReducer } from 'react';
import { useStudio } from '../../context/StudioContext.js';
import type { AgentView } from '../../state/studioState.js';
import { useFolderChoices } from '../forms/FolderField.js';
import { Check, useSubmit } from '../forms/forms.js';
import { addAgentFormReducer, addAgentInputOf, NEW_AGENT_FORM } from './addAgent/addAgentForm.js';
import { fieldSetter } from './addAgent/fields.js';
import { HereFields } from './addAgent/HereFields.js';
import { SshFields } from './addAgent/SshFields.js';
import { Modal } from './Modal.js';

/**
 * A new agent, added and started: on this machine (Claude Code or another command, in a folder,
 * in a worktree of its own) or on another one over SSH. The fields are one value (addAgentForm.ts)
 * and become the service's input through the builder `ccstudio agent add` uses too.
 */
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
  const [form, dispatch] = useReducer(addAgentFormReducer, NEW_AGENT_FORM);
  const set = useMemo(() => fieldSetter(dispatch), []);
  const { error, busy, submit } = useSubmit(onClose);
  const run = async () => {
    const { agent } = await client.addAgent(addAgentInputOf(form, { agents, suggested: choices?.suggested }));
    // Added either way; a start that fails is said here, and its tile shows why and what to try.
    await client.startAgent(agent.name).then(
      () => notify(`Started ${agent.name}.`),
      (err: Error) => notify(err.message, true),
    );
  };
  const ssh = form.where === 'ssh';
  return (
    <Modal title="Add agent" onClose={onClose}>
      <form className="form" onSubmit={submit(run)} data-testid="add-agent-form">
        <label>
          Name
          <input
            autoFocus
            required
            value={form.name}
            onChange={(e) => set('name')(e.target.value)}
            placeholder="agent-3"
          />
        </label>
        <label>
          Role
          <input value={form.role} onChange={(e) => set('role')(e.target.value)} />
        </label>
        <label>
          Where
          <select
            value={form.where}
            onChange={(e) => set('where')(e.target.value as 'here' | 'ssh')}
            data-testid="add-agent-where"
          >
            <option value="here">This machine</option>
            <option value="ssh">Another machine, over SSH</option>
          </select>
        </label>
        {ssh ? (
          <SshFields form={form} set={set} />
        ) : (
          <HereFields form={form} set={set} agents={agents} choices={choices} />
        )}
        <Check checked={form.commander} onChange={set('commander')}>
          Commander
        </Check>
        {!ssh && form.kind === 'claude' && (
          <Check
            checked={form.sandbox}
            onChange={set('sandbox')}
            testId="add-agent-sandbox"
            hint="Claude Code's own sandbox; the agent cannot read the studio's files"
          >
            Sandboxed (its shell cannot read the studio's data or reach the network unasked)
          </Check>
        )}
        <label>
          Role prompt
          <textarea rows={3} value={form.rolePrompt} onChange={(e) => set('rolePrompt')(e.target.value)} />
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
