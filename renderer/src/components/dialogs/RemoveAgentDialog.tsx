import { useState } from 'react';
import { useStudio } from '../../context/StudioContext.js';
import type { AgentView } from '../../state/studioState.js';
import { Check, useSubmit } from '../forms/forms.js';
import { Modal } from './Modal.js';

/** Removing an agent; one with a worktree may take it (and its merged branches) along. */
export function RemoveAgentDialog({ agent, onClose }: { agent: AgentView; onClose(): void }) {
  const { client, notify } = useStudio();
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
