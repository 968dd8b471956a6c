import { useEffect, useId, useState } from 'react';
import type { FolderCheck, FolderChoices } from '../../../../main/contract/service.js';
import { useStudio } from '../../context/StudioContext.js';

/** Checks wait for a pause in typing, so a path typed fast costs one request, not one per key. */
const CHECK_DELAY_MS = 250;

/** Where new agents go and where agents worked, fetched once per window. */
export function useFolderChoices() {
  const { client } = useStudio();
  const [choices, setChoices] = useState<FolderChoices | null>(null);
  useEffect(() => {
    let live = true;
    client.folderChoices().then(
      (c) => live && setChoices(c),
      () => live && setChoices({ suggested: '', recent: [] }),
    );
    return () => {
      live = false;
    };
  }, [client]);
  return choices;
}

/**
 * A project folder: typed (checked by the studio as you type, recent folders offered), or in the
 * desktop app picked with the OS's folder picker.
 */
export function FolderField({
  label,
  value,
  onChange,
  onCheck,
  recent,
  testId,
  autoFocus,
  hint,
}: {
  label: string;
  value: string;
  onChange(path: string): void;
  /** The latest check of the current value (null while one is in flight or the field is empty). */
  onCheck?(check: FolderCheck | null): void;
  recent: string[];
  testId: string;
  autoFocus?: boolean;
  /** Said while the field is empty (why nothing was suggested). */
  hint?: string | undefined;
}) {
  const { client, desktop } = useStudio();
  const listId = useId();
  const [check, setCheck] = useState<FolderCheck | null>(null);
  useEffect(() => {
    setCheck(null);
    onCheck?.(null);
    if (!value.trim()) return;
    let live = true;
    const timer = setTimeout(() => {
      client.checkFolder(value).then(
        (c) => {
          if (!live) return;
          setCheck(c);
          onCheck?.(c);
        },
        (err: Error) => {
          if (!live) return;
          const failed = { path: value, ok: false, problem: err.message, git: false };
          setCheck(failed);
          onCheck?.(failed);
        },
      );
    }, CHECK_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // onCheck is left out: a new function each render must not re-run the check.
  }, [client, value]);
  const pick = () =>
    void client.pickFolder().then(
      (path) => path && onChange(path),
      () => undefined,
    );
  return (
    <label>
      {label}
      <span className="folder-field">
        <input
          autoFocus={autoFocus}
          value={value}
          list={listId}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
          placeholder="/path/to/your/project"
          data-testid={testId}
          aria-invalid={check ? !check.ok : undefined}
        />
        {desktop && (
          <button type="button" onClick={pick} data-testid={`${testId}-pick`}>
            Choose…
          </button>
        )}
      </span>
      <datalist id={listId}>
        {recent.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <span
        className={`folder-check${check ? (check.ok ? (check.problem ? ' caution' : ' ok') : ' bad') : ''}`}
        data-testid={`${testId}-check`}
      >
        {check
          ? check.ok
            ? // A caution (home, the studio's own folder) is no plain ✓: usable, with the reason.
              `${check.problem ? '⚠' : '✓'} ${check.path}${check.git ? ' (git repository)' : ''}${check.problem ? ` — ${check.problem}` : ''}`
            : `✗ ${check.problem}`
          : value.trim()
            ? 'Checking…'
            : (hint ?? '')}
      </span>
    </label>
  );
}

/**
 * Whether Claude Code will ask "Do you trust this folder?" at its agents' first start there, said
 * plainly under a folder the person picked (see FolderCheck.claudeTrusted).
 */
export function trustNote(check: FolderCheck, worktrees: boolean): string | undefined {
  if (!check.ok || check.claudeTrusted === undefined) return undefined;
  if (check.claudeTrusted)
    return worktrees
      ? "Claude Code trusts this repository already, so its agents start without asking; the worktrees the studio makes from it are trusted with it (Claude Code 2.1.200 and newer read a worktree's trust from its repository; for older versions the studio records the same trust for each worktree in ~/.claude.json)."
      : 'Claude Code trusts this folder already, so its agents start without asking.';
  return `Claude Code has not been told you trust this folder yet, so each agent's first start there asks “Do you trust this folder?” in its terminal (its tile says “trust this folder?”): answer it there.${worktrees ? " A yes for the repository's own folder trusts its worktrees too (one in a worktree does as well, with Claude Code 2.1.200 and newer), and the studio then starts again its agents still asking." : ''}`;
}
