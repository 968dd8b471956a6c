import type { FolderChoices } from '../../../../../main/contract/service.js';
import type { AgentView } from '../../../state/studioState.js';
import { FolderField, trustNote } from '../../forms/FolderField.js';
import { Check } from '../../forms/forms.js';
import { folderOf, repoOf, sharesCheckout, wantsWorktree } from './addAgentForm.js';
import { branchOf, type FieldsProps } from './fields.js';
import { TextFields } from './TextFields.js';

interface HereProps extends FieldsProps {
  agents: readonly AgentView[];
  /** The studio's suggested and recent folders (null until they come). */
  choices: FolderChoices | null;
}

/** An agent on this machine: what it runs, in which folder, in a worktree of its own or not. */
export function HereFields({ form, set, agents, choices }: HereProps) {
  const repo = repoOf(form);
  const worktree = wantsWorktree(form, agents);
  const trust = form.kind === 'claude' && form.check ? trustNote(form.check, !!repo && worktree) : undefined;
  return (
    <>
      <label>
        Runs
        <select
          value={form.kind}
          onChange={(e) => set('kind')(e.target.value as 'claude' | 'command')}
          data-testid="add-agent-kind"
        >
          <option value="claude">Claude Code</option>
          <option value="command">Another command</option>
        </select>
      </label>
      {form.kind === 'command' && <CommandFields form={form} set={set} />}
      <FolderField
        label="Working folder"
        value={folderOf(form, choices?.suggested)}
        onChange={set('cwd')}
        onCheck={set('check')}
        recent={choices?.recent ?? []}
        testId="add-agent-folder"
        hint={choices?.note}
      />
      {repo && (
        <Check
          checked={worktree}
          onChange={set('worktree')}
          testId="add-agent-worktree"
          hint="Its own folder and branch: agents on one repository never edit the same files"
        >
          Own git worktree, on a new branch {branchOf(form)}
          {sharesCheckout(form, agents) && form.worktree === null
            ? ' (another agent works in this checkout)'
            : ''}
        </Check>
      )}
      {repo && worktree && <WorktreeFields form={form} set={set} />}
      {trust && (
        <p className="form-hint" data-testid="add-agent-trust">
          {trust}
        </p>
      )}
    </>
  );
}

function CommandFields({ form, set }: FieldsProps) {
  return (
    <>
      <TextFields
        specs={[{ field: 'command', label: 'Command', placeholder: 'bash' }]}
        form={form}
        set={set}
      />
      <Check
        checked={form.takesPrompts}
        onChange={set('takesPrompts')}
        testId="add-agent-takes-prompts"
        hint="Off for a shell: it would run the studio's wake line as a command"
      >
        It takes prompts (Codex, Gemini CLI…): type wake lines into it when mail arrives
      </Check>
    </>
  );
}

/** The branch a new worktree starts from (the repository's, as the studio read them) and its place. */
function WorktreeFields({ form, set }: FieldsProps) {
  const repo = repoOf(form)!;
  return (
    <div className="worktree-options">
      <label>
        From branch
        <select
          value={form.base || repo.branch}
          onChange={(e) => set('base')(e.target.value)}
          data-testid="add-agent-base"
        >
          {repo.branches.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
      <TextFields
        specs={[
          {
            field: 'parent',
            label: 'Worktrees go in',
            placeholder: repo.worktreeParent,
            testId: 'add-agent-worktree-dir',
          },
        ]}
        form={form}
        set={set}
      />
    </div>
  );
}
