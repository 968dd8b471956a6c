// The `ssh` command lines the studio runs, and what their failures mean to a person. Every one
// goes through the person's own OpenSSH client and configuration (~/.ssh/config, keys, the agent,
// known_hosts); the studio adds only what keeps it from hanging or asking for a password no one
// can see.
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** A dead link is noticed after this many missed keepalives, this far apart (s): 15 s in all. */
const KEEPALIVE_INTERVAL_S = 5;
const KEEPALIVE_MISSES = 3;
/** A host that does not answer at all is reported after this (s), not after the kernel's minutes. */
const CONNECT_TIMEOUT_S = 10;
/** Unix socket paths are short (104 bytes on macOS); a hash keeps each host's socket name short. */
const CONTROL_NAME_CHARS = 16;

/** What every ssh the studio runs gets, whatever the person's config says. */
function baseOptions(controlPath: string): string[] {
  return [
    // Never a password or host-key question: nobody would see it. The tile says what to do instead.
    '-o',
    'BatchMode=yes',
    // The person's ssh-agent and display stay here, even if their config forwards them to that
    // host: agents with a shell run there, and must not log in elsewhere as the person.
    '-o',
    'ForwardAgent=no',
    '-o',
    'ForwardX11=no',
    // A RemoteCommand in the person's Host block (tmux attach, say) would replace the studio's own.
    '-o',
    'RemoteCommand=none',
    '-o',
    `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
    '-o',
    `ServerAliveInterval=${KEEPALIVE_INTERVAL_S}`,
    '-o',
    `ServerAliveCountMax=${KEEPALIVE_MISSES}`,
    '-S',
    controlPath,
  ];
}

/** The control socket every agent on `dest` shares (one connection per host). */
export function controlPathFor(controlDir: string, dest: string): string {
  const name = createHash('sha256').update(dest).digest('hex').slice(0, CONTROL_NAME_CHARS);
  return join(controlDir, name);
}

/**
 * The one connection to a host, held by the studio in the foreground (no ControlPersist: it ends
 * with the studio): no command, no terminal, every agent's session multiplexed over it.
 */
export function masterArgs(dest: string, controlPath: string): string[] {
  return [
    ...baseOptions(controlPath),
    '-M',
    '-N',
    '-o',
    'ControlPersist=no',
    // The person's LocalForward/RemoteForward for that host belong to their own sessions: taken
    // here too they would clash with those (a port in use ends the connection).
    '-o',
    'ClearAllForwardings=yes',
    '-o',
    'PermitLocalCommand=no',
    '-o',
    'ExitOnForwardFailure=yes',
    '--',
    dest,
  ];
}

/**
 * Asks the connection to forward a port on the remote's loopback to the studio's listener; ssh
 * prints the port the remote picked. Agents there reach the studio through it: nothing new listens
 * on this machine's network.
 */
export function forwardArgs(dest: string, controlPath: string, studioPort: number): string[] {
  return [
    ...baseOptions(controlPath),
    '-O',
    'forward',
    '-R',
    `127.0.0.1:0:127.0.0.1:${studioPort}`,
    '--',
    dest,
  ];
}

/**
 * A session on the shared connection, and only there: without its socket (the connection gone)
 * ssh would log in afresh, where the forward that leads to the studio is not; the proxy `false`
 * makes that fail at once instead (a command-line option wins over the person's ProxyJump).
 */
const ON_CONNECTION_ONLY = ['-o', 'ControlMaster=no', '-o', 'ProxyCommand=false'];

/** Runs a command on the host over the shared connection, without a terminal (setup, git). */
export function execArgs(dest: string, controlPath: string, remoteCommand: string): string[] {
  return [...baseOptions(controlPath), ...ON_CONNECTION_ONLY, '-T', '--', dest, remoteCommand];
}

/**
 * An agent's terminal: a session on the shared connection with a remote terminal of its own. No
 * escape character: `~.` typed after an Enter (by the person, or at the start of a wake) would
 * end the session.
 */
export function terminalArgs(dest: string, controlPath: string, remoteCommand: string): string[] {
  return [
    ...baseOptions(controlPath),
    ...ON_CONNECTION_ONLY,
    '-o',
    'EscapeChar=none',
    '-tt',
    '--',
    dest,
    remoteCommand,
  ];
}

/** Asks the shared connection whether it still carries sessions. */
export function checkArgs(dest: string, controlPath: string): string[] {
  return [...baseOptions(controlPath), '-O', 'check', '--', dest];
}

/** Ends the shared connection (and with it every agent session on it). */
export function exitArgs(dest: string, controlPath: string): string[] {
  return [...baseOptions(controlPath), '-O', 'exit', '--', dest];
}

/** How an ssh failure reads to a person, and what to do about it. */
export type SshProblem = 'hostkey' | 'login' | 'unreachable' | 'unknown-host' | 'other';

/** The last lines ssh wrote, without its warnings about adding known hosts and the like. */
function lastError(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^Warning: Permanently added/.test(l));
  return lines.slice(-2).join(' ').slice(0, 300);
}

/** Reads ssh's stderr into one of the problems a person can act on. */
export function sshProblem(stderr: string): SshProblem {
  if (
    /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No [A-Z0-9-]+ host key is known/i.test(
      stderr,
    )
  )
    return 'hostkey';
  if (
    /Permission denied|Too many authentication failures|no mutual signature|Authentication failed/i.test(
      stderr,
    )
  )
    return 'login';
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(stderr))
    return 'unknown-host';
  if (
    /Connection refused|Connection timed out|timed out during banner exchange|No route to host|Network is unreachable|Connection closed by|Connection reset|Operation timed out|kex_exchange_identification/i.test(
      stderr,
    )
  )
    return 'unreachable';
  return 'other';
}

/** One or two sentences for the tile: what went wrong with `ssh dest`, and what to do. */
export function explainSsh(dest: string, stderr: string): string {
  const said = lastError(stderr);
  const quoted = said ? ` (ssh said: ${said})` : '';
  switch (sshProblem(stderr)) {
    case 'hostkey':
      return (
        `${dest}'s host key is not one your ~/.ssh/known_hosts trusts${quoted}. Run \`ssh ${dest}\` once in ` +
        'a terminal to check and accept it; the studio never accepts a host key by itself.'
      );
    case 'login':
      return (
        `${dest} refused the login${quoted}. The studio logs in with your SSH keys and agent, never a ` +
        `password: add your key there (\`ssh-copy-id ${dest}\`) or load it (\`ssh-add\`), then try again.`
      );
    case 'unknown-host':
      return `There is no host called ${dest}${quoted}. Check the name, or its Host entry in ~/.ssh/config.`;
    case 'unreachable':
      return `${dest} cannot be reached${quoted}. Check that it is on, on your network, and runs an SSH server.`;
    default:
      return `ssh ${dest} failed${quoted || '.'}`;
  }
}
