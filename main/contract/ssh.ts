// What the person may give as an agent's SSH destination, checked before anything runs `ssh`.

/** The characters user names, host names, aliases, IPv6 literals and ssh:// URIs are made of. */
const SSH_DEST = /^[A-Za-z0-9_.@:/[\]%+~-]+$/;

/** Why `dest` cannot be an SSH destination, or undefined when it can. */
export function sshDestProblem(dest: string): string | undefined {
  if (!dest.trim()) return 'An SSH destination is `user@host` or a Host alias from ~/.ssh/config.';
  // ssh would read it as one of its own options (-oProxyCommand=... runs a command).
  if (dest.startsWith('-')) return `"${dest}" starts with "-", so ssh would take it as an option.`;
  if (!SSH_DEST.test(dest))
    return `"${dest}" has characters no host name or alias has; give \`user@host\` or a Host alias from ~/.ssh/config.`;
  return undefined;
}

/** The host part of a destination, for a tile: `me@build-box` -> `build-box`. */
export function sshHostLabel(dest: string): string {
  const bare = dest.replace(/^ssh:\/\//, '');
  return bare.slice(bare.lastIndexOf('@') + 1);
}
