// What an attacker with a shell in a worktree agent's folder tries against the repository's .git
// (the issue "trust round two", item 1), as one shell script: each attempt prints "WROTE name" or
// "REFUSED name". Every one must be refused for an agent inside the git guard.

/** `try NAME CMD...`: "WROTE NAME" when the command succeeds, "REFUSED NAME" when it fails. */
export const TRY =
  'try() { what="$1"; shift; if ( "$@" ) >/dev/null 2>&1; then echo "WROTE $what"; else echo "REFUSED $what"; fi; }';

/**
 * The attempts, for the agent `self` beside another worktree agent `other`, in a repository whose
 * .git is `gitDir`. `marker` is the file a planted hook or fsmonitor would touch.
 */
export function gitAttack(gitDir: string, self: string, other: string, marker: string): string {
  // Each command in single quotes: it must hold none of its own.
  const w = (name: string, cmd: string) => `try ${name} sh -c '${cmd}'`;
  const hook = `#!/bin/sh\\ntouch ${marker}\\n`;
  return [
    TRY,
    // Exported: each attempt is a shell of its own.
    `export G='${gitDir}'`,
    // The steps: a config with hooksPath and fsmonitor and a hook of the agent's own,
    // beside links to the real objects and refs, then a commondir pointing git at them.
    w('plant-dir', 'mkdir -p "$G/x/hooks"'),
    w('plant-hook', `printf "${hook}" > "$G/x/hooks/reference-transaction"`),
    w('plant-links', 'ln -s "$G/objects" "$G/x/objects"'),
    w('commondir', 'echo x > "$G/commondir"'),
    w('config', `printf "[core]\\n\\tfsmonitor = ${marker}.sh\\n" >> "$G/config"`),
    w('config.worktree', 'echo x > "$G/config.worktree"'),
    w('hooks', `printf "${hook}" > "$G/hooks/post-checkout"`),
    w('info', 'echo x > "$G/info/attributes"'),
    w('modules', 'mkdir -p "$G/modules/m"'),
    w('packed-refs', 'echo x >> "$G/packed-refs"'),
    w('person-index', 'echo x >> "$G/index"'),
    w('person-HEAD', 'echo "ref: refs/heads/evil" > "$G/HEAD"'),
    w('merge-head', 'echo x > "$G/MERGE_HEAD"'),
    w('main', 'echo 0000000000000000000000000000000000000000 > "$G/refs/heads/main"'),
    w('new-branch', 'echo x > "$G/refs/heads/evil"'),
    w('other-agent-branch', `echo x > "$G/refs/heads/ccstudio/${other}/work"`),
    w('new-agent-folder', 'mkdir -p "$G/refs/heads/ccstudio/zed"'),
    w('tags', 'echo x > "$G/refs/tags/v1"'),
    w('alternates', 'echo /tmp > "$G/objects/info/alternates"'),
    w('other-worktree-HEAD', `echo x >> "$G/worktrees/${other}/HEAD"`),
    w('other-worktree-index', `echo x >> "$G/worktrees/${other}/index"`),
    w('new-worktree', 'mkdir -p "$G/worktrees/evil"'),
    w('own-commondir', `echo x >> "$G/worktrees/${self}/commondir"`),
    w('own-gitdir', `echo x >> "$G/worktrees/${self}/gitdir"`),
    w('own-config.worktree', `echo x >> "$G/worktrees/${self}/config.worktree"`),
    w('own-dotgit', 'echo "gitdir: /tmp/evil" > .git'),
    'echo END',
  ].join('\n');
}

/** The attempts a script made, and the ones that got through. */
export function attackResult(
  script: string,
  out: string,
): { tried: number; refused: number; wrote: string[] } {
  return {
    tried: script.match(/^try /gm)?.length ?? 0,
    refused: out.match(/^REFUSED /gm)?.length ?? 0,
    wrote: out.match(/^WROTE .*/gm) ?? [],
  };
}
