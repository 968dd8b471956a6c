import { useState, type FormEvent } from 'react';
import { MAX_FIRST_TEAM_AGENTS } from '../../../main/contract/limits.js';
import type { FolderCheck } from '../../../main/contract/service.js';
import { useStudio } from '../context/StudioContext.js';
import { Check } from './forms/forms.js';
import { FolderField, trustNote, useFolderChoices } from './forms/FolderField.js';

/** A commander and this many engineers: enough to see the studio work, few enough to follow. */
const DEFAULT_TEAM_AGENTS = 2;

/**
 * What a studio with no agents shows: where should the team work? The folder is the person's
 * project (suggested: the team's folder chosen before, else where the studio was started unless
 * that is the studio's own), checked as it is typed.
 */
export function FirstRun({ onAddAgent }: { onAddAgent(): void }) {
  const { client, notify } = useStudio();
  const choices = useFolderChoices();
  const [typed, setTyped] = useState<string | null>(null);
  const [count, setCount] = useState(DEFAULT_TEAM_AGENTS);
  const [check, setCheck] = useState<FolderCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const [worktrees, setWorktrees] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const folder = typed ?? choices?.suggested ?? '';
  const start = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const repo = check?.ok && check.repo;
    client.startTeam({ cwd: folder, agents: count, worktrees: !!repo && worktrees }).then(
      (team) => {
        setBusy(false);
        const failed = team.filter((t) => t.error);
        const started = team.filter((t) => !t.error).map((t) => t.agent.name);
        if (failed.length)
          notify(
            `${started.length ? `Started ${started.join(', ')}. ` : ''}${failed.map((t) => t.error).join(' ')}`,
            true,
          );
        else notify(`Started ${started.join(', ')} in ${check?.path ?? folder}.`);
      },
      (err: Error) => {
        setBusy(false);
        setError(err.message);
      },
    );
  };
  return (
    <form className="first-run form" onSubmit={start} data-testid="first-run">
      <h2>Where does your team work?</h2>
      <p>
        Pick your project&apos;s folder. The studio starts a commander and engineers there, each running
        Claude Code in its own terminal; the commander splits the work into tasks for the others.
      </p>
      <FolderField
        label="Project folder"
        value={folder}
        onChange={setTyped}
        onCheck={setCheck}
        recent={choices?.recent ?? []}
        testId="first-run-folder"
        hint={choices?.note}
        autoFocus
      />
      <label>
        Engineers besides the commander
        <input
          type="number"
          min={0}
          max={MAX_FIRST_TEAM_AGENTS}
          value={count}
          onChange={(e) =>
            setCount(Math.max(0, Math.min(MAX_FIRST_TEAM_AGENTS, Number(e.target.value) || 0)))
          }
          data-testid="first-run-count"
        />
      </label>
      {check?.ok && check.repo && count > 0 && (
        <Check
          checked={worktrees}
          onChange={setWorktrees}
          testId="first-run-worktrees"
          hint="Agents on one working tree break each other's builds and tests"
        >
          Each engineer in its own git worktree and branch (in {check.repo.worktreeParent}); the commander
          works in the folder
        </Check>
      )}
      {check && trustNote(check, !!check.repo && worktrees && count > 0) && (
        <p className="form-hint" data-testid="first-run-trust">
          {trustNote(check, !!check.repo && worktrees && count > 0)}
        </p>
      )}
      {error && <p className="form-error">{error}</p>}
      <footer>
        <button type="button" onClick={onAddAgent}>
          Add one agent instead
        </button>
        <button type="submit" disabled={busy || !check?.ok} data-testid="first-run-start">
          {busy ? 'Starting…' : `Start the team (${count + 1} agents)`}
        </button>
      </footer>
    </form>
  );
}
