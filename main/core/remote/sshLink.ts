// One SSH connection per host, shared by every agent the studio runs there. The studio holds the
// master in the foreground (so it ends with the studio), asks it for a port on the remote's
// loopback that leads back to the studio's listener, and runs everything else as sessions on it:
// the agents' terminals, the setup of their files, git.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../contract/errors.js';
import type { Disposable } from '../../contract/events.js';
import { Emitter } from '../util/emitter.js';
import type { Logger } from '../util/logger.js';
import {
  checkArgs,
  controlPathFor,
  execArgs,
  exitArgs,
  explainSsh,
  forwardArgs,
  masterArgs,
  sshProblem,
  terminalArgs,
} from './sshCommand.js';
import type { SshProblem } from './sshCommand.js';

/** How long a connection may take to come up: ssh's own ConnectTimeout, the login, a slow host. */
export const SSH_CONNECT_MS = 20_000;
/** A setup step or git command on the remote that takes longer than this has hung. */
export const SSH_EXEC_MS = 60_000;
/** `ssh -O check` answers from the local master in milliseconds; longer means it is wedged. */
const SSH_CHECK_MS = 5_000;
/** How often the studio looks for the master's socket while it logs in. */
const SOCKET_POLL_MS = 25;
/**
 * Commands (setup, git) one connection runs at once; with AGENTS_PER_CONNECTION terminals that
 * stays within sshd's default MaxSessions of 10.
 */
export const EXEC_SESSIONS_PER_CONNECTION = 2;
/** What the studio keeps of ssh's error output: enough for its last lines. */
const MAX_STDERR_CHARS = 8_000;

export interface SshLinkOptions {
  dest: string;
  /** Which of the connections to `dest` this is (see AGENTS_PER_CONNECTION). */
  shard?: number;
  /** Settles once the connections a previous studio left are ended (see SshLinks). */
  leftoversEnded?: Promise<void>;
  /** The folder of the control sockets (private: anyone who can reach one uses the connection). */
  controlDir: string;
  /** `ssh`, or a wrapper the person chose. */
  sshCommand: string;
  /** The studio's listener, where the remote port leads. */
  studioPort: number;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

/** A failure to reach or log in to a host, with what the person can do about it. */
export class SshError extends StudioError {
  constructor(
    message: string,
    readonly problem: SshProblem,
  ) {
    super('unavailable', message);
  }
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  /** stdout as it came, for output that is bytes (a file read at an offset). */
  bytes: Buffer;
  stderr: string;
  /** It printed more than MAX_STDOUT_BYTES: cut there, and the command killed (code null). */
  truncated?: boolean;
}

/** Output kept from one command: a setup step prints lines, a transcript read up to 8 MB, a diff. */
export const MAX_STDOUT_BYTES = 16 * 1024 * 1024;

function keep(text: string, more: string): string {
  const all = text + more;
  return all.length > MAX_STDERR_CHARS ? all.slice(-MAX_STDERR_CHARS) : all;
}

export class SshLink {
  private master: ChildProcess | undefined;
  private connecting: Promise<number> | undefined;
  private port: number | undefined;
  private closed = false;
  /** Commands running on the connection now, and those waiting for a session. */
  private execs = 0;
  private readonly execQueue: Array<() => void> = [];
  readonly controlPath: string;
  private readonly dropEmitter = new Emitter<string>();
  /** The connection ended without the studio asking: every session on it has ended too. */
  readonly onDidDrop = (l: (reason: string) => void): Disposable => this.dropEmitter.on(l);

  constructor(private readonly options: SshLinkOptions) {
    this.controlPath = controlPathFor(options.controlDir, `${options.dest}#${options.shard ?? 0}`);
  }

  get dest(): string {
    return this.options.dest;
  }

  /** Connected, with the remote port that leads to the studio. */
  get up(): boolean {
    return this.port !== undefined && !!this.master && this.master.exitCode === null;
  }

  /** The connection's own process (diagnostics, and tests that make a link go silent). */
  get masterPid(): number | undefined {
    return this.master?.pid;
  }

  /** It is up and answers now: a dead link's master can take a moment to notice it is dead. */
  async alive(): Promise<boolean> {
    if (!this.up) return false;
    const check = await this.run(checkArgs(this.options.dest, this.controlPath), SSH_CHECK_MS);
    return check.code === 0;
  }

  /** The port on the remote's loopback that leads to the studio, connecting first if need be. */
  connect(): Promise<number> {
    if (this.closed) return Promise.reject(new StudioError('unavailable', 'The studio is shutting down.'));
    if (this.up) return Promise.resolve(this.port!);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<number> {
    const { dest, controlDir, sshCommand, env, logger } = this.options;
    await this.options.leftoversEnded;
    mkdirSync(controlDir, { recursive: true, mode: 0o700 });
    // Its sockets open sessions on the hosts: never in a folder another user made (a predictable
    // one under /tmp, see sshControlDir) or reached through a link.
    const st = lstatSync(controlDir);
    if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()))
      throw new StudioError(
        'unavailable',
        `${controlDir} is not a folder of this user's own; the studio keeps SSH sockets only in one.`,
      );
    chmodSync(controlDir, 0o700);
    // A socket left by a studio that did not close cleanly: its master may still run, forwarding
    // to a port that is no longer ours. Ended, not reused.
    if (existsSync(this.controlPath)) await endStale(sshCommand, env, this.controlPath, dest);
    if (this.closed) throw new StudioError('unavailable', 'The studio is shutting down.');
    let stderr = '';
    const master = spawn(sshCommand, masterArgs(dest, this.controlPath), {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.master = master;
    master.stderr!.setEncoding('utf8');
    master.stderr!.on('data', (d: string) => (stderr = keep(stderr, d)));
    const exited = new Promise<void>((resolve) => master.once('close', () => resolve()));
    master.once('error', (err) => (stderr = keep(stderr, `\n${err.message}`)));
    const started = Date.now();
    // The socket appears once the master has logged in and can carry sessions.
    while (!existsSync(this.controlPath)) {
      if (this.closed) {
        master.kill();
        throw new StudioError('unavailable', 'The studio is shutting down.');
      }
      if (master.exitCode !== null || master.signalCode !== null || master.pid === undefined) {
        await exited;
        throw new SshError(explainSsh(dest, stderr), sshProblem(stderr));
      }
      if (Date.now() - started > SSH_CONNECT_MS) {
        master.kill();
        throw new SshError(
          explainSsh(dest, stderr || 'Connection timed out'),
          stderr ? sshProblem(stderr) : 'unreachable',
        );
      }
      await new Promise((r) => setTimeout(r, SOCKET_POLL_MS));
    }
    const forward = await this.run(forwardArgs(dest, this.controlPath, this.options.studioPort), SSH_EXEC_MS);
    // Closed meanwhile: close() did not see this master yet, so it is ended here.
    if (this.closed || this.master !== master) {
      master.kill();
      throw new StudioError('unavailable', 'The studio is shutting down.');
    }
    const port = Number(forward.stdout.trim().split(/\s+/)[0]);
    if (forward.code !== 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      master.kill();
      throw new SshError(
        `${dest} would not forward a port back to the studio (ssh said: ${(forward.stderr || forward.stdout).trim().slice(0, 300)}). ` +
          'Check that its sshd allows TCP forwarding (AllowTcpForwarding).',
        'other',
      );
    }
    this.port = port;
    logger.info('ssh link up', { dest, remotePort: port });
    master.once('close', () => {
      if (this.master !== master) return;
      this.port = undefined;
      this.master = undefined;
      if (this.closed) return;
      const why = explainSsh(dest, stderr || 'Connection closed');
      logger.warn('ssh link dropped', { dest, stderr: stderr.slice(-300) });
      this.dropEmitter.fire(why);
    });
    return port;
  }

  /** Runs `ssh ARGS` (the person's ssh, this link's socket) and collects what it prints. */
  private run(args: string[], timeoutMs: number, input?: string): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.sshCommand, args, {
        env: this.options.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const chunks: Buffer[] = [];
      let length = 0;
      let truncated = false;
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (d: Buffer) => {
        if (truncated) return;
        // A remote that prints without end is cut off, not held in memory.
        if (length + d.length > MAX_STDOUT_BYTES) {
          chunks.push(d.subarray(0, MAX_STDOUT_BYTES - length));
          truncated = true;
          child.kill('SIGKILL');
        } else chunks.push(d);
        length += d.length;
      });
      child.stderr.on('data', (d: string) => (stderr = keep(stderr, d)));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new StudioError('unavailable', `Could not run ${this.options.sshCommand}: ${err.message}`));
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        const bytes = Buffer.concat(chunks);
        resolve({ code, stdout: bytes.toString('utf8'), bytes, stderr, ...(truncated ? { truncated } : {}) });
      });
      // A remote that exits before reading all of it closes the pipe: not an error of ours.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
  }

  /**
   * Runs a command on the host over this connection (connecting first). `input` goes to its
   * stdin: a script with credentials in it is sent this way, never on a command line.
   */
  async exec(remoteCommand: string, input?: string, timeoutMs = SSH_EXEC_MS): Promise<ExecResult> {
    await this.connect();
    while (this.execs >= EXEC_SESSIONS_PER_CONNECTION) await new Promise<void>((r) => this.execQueue.push(r));
    this.execs++;
    try {
      return await this.run(execArgs(this.options.dest, this.controlPath, remoteCommand), timeoutMs, input);
    } finally {
      this.execs--;
      this.execQueue.shift()?.();
    }
  }

  /** The local command line of an agent's terminal on this host. */
  terminal(remoteCommand: string): { command: string; args: string[] } {
    return {
      command: this.options.sshCommand,
      args: terminalArgs(this.options.dest, this.controlPath, remoteCommand),
    };
  }

  /** Ends the connection: with it, every session on it. */
  async close(): Promise<void> {
    this.closed = true;
    const master = this.master;
    this.master = undefined;
    this.port = undefined;
    if (master && master.exitCode === null && master.signalCode === null) {
      const gone = new Promise<void>((resolve) => master.once('close', () => resolve()));
      master.kill('SIGTERM');
      await gone;
    }
    rmSync(this.controlPath, { force: true });
    this.dropEmitter.dispose();
  }
}

/**
 * Ends a connection a studio left behind (it crashed, or was killed, so its master outlived it):
 * it may forward to a port that is no longer this studio's.
 */
async function endStale(
  sshCommand: string,
  env: NodeJS.ProcessEnv,
  socket: string,
  dest: string,
): Promise<void> {
  await new Promise<void>((resolve) => {
    const child = spawn(sshCommand, exitArgs(dest, socket), { env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), SSH_CHECK_MS);
    child.once('error', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  try {
    rmSync(socket, { force: true });
  } catch {
    // Not a socket of ours to remove (a folder, another user's): open() refuses such a folder.
  }
}

/**
 * Agents' terminals one connection carries at most. sshd refuses sessions past its MaxSessions
 * (10 unless its admin changed it), and setup and git need a session now and then too: a host with
 * more agents gets a second connection, not a refusal.
 */
export const AGENTS_PER_CONNECTION = 8;

/** The studio's connections: one per destination, and another for every AGENTS_PER_CONNECTION agents there. */
export class SshLinks {
  private readonly links = new Map<string, SshLink[]>();
  /** Which connection each agent's terminal is on, for as long as the agent is on that host. */
  private readonly assigned = new Map<number, SshLink>();
  private closed = false;

  private readonly leftoversEnded: Promise<void>;

  constructor(private readonly options: Omit<SshLinkOptions, 'dest' | 'shard' | 'leftoversEnded'>) {
    // Before any connection of this studio's opens: their sockets would have the same names.
    this.leftoversEnded = this.endLeftovers();
  }

  /**
   * Ends every connection a studio before this one left in the folder (see endStale): only in a
   * folder of this user's own (open() refuses any other), and never failing the studio's SSH.
   */
  private async endLeftovers(): Promise<void> {
    let names: string[];
    try {
      const st = lstatSync(this.options.controlDir);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) return;
      names = readdirSync(this.options.controlDir);
    } catch {
      return;
    }
    // Any destination will do: `-O exit` speaks to the socket's master, whatever it is connected to.
    await Promise.all(
      names.map((n) =>
        endStale(this.options.sshCommand, this.options.env, join(this.options.controlDir, n), 'leftover'),
      ),
    );
  }

  /** The connection for an agent on `dest`: the one it had, or one with room. */
  forAgent(dest: string, agentId: number): SshLink {
    if (this.closed) throw new StudioError('unavailable', 'The studio is shutting down.');
    const had = this.assigned.get(agentId);
    if (had?.dest === dest) return had;
    const pool = this.links.get(dest) ?? [];
    this.links.set(dest, pool);
    const load = (l: SshLink) => [...this.assigned.values()].filter((a) => a === l).length;
    let link = pool.find((l) => load(l) < AGENTS_PER_CONNECTION);
    if (!link) {
      link = new SshLink({ ...this.options, dest, shard: pool.length, leftoversEnded: this.leftoversEnded });
      pool.push(link);
    }
    this.assigned.set(agentId, link);
    return link;
  }

  /**
   * A connection to `dest` for commands (git, setup) rather than a terminal: the first one, which
   * keeps EXEC_SESSIONS_PER_CONNECTION sessions for them beside its terminals.
   */
  forHost(dest: string): SshLink {
    if (this.closed) throw new StudioError('unavailable', 'The studio is shutting down.');
    const pool = this.links.get(dest) ?? [];
    this.links.set(dest, pool);
    if (!pool[0])
      pool.push(new SshLink({ ...this.options, dest, shard: 0, leftoversEnded: this.leftoversEnded }));
    return pool[0]!;
  }

  /** The agent left the host (removed, or moved): its place on a connection is free. */
  release(agentId: number): void {
    this.assigned.delete(agentId);
  }

  /** How many connections are up (for status and the bench). */
  upCount(): number {
    return [...this.links.values()].flat().filter((l) => l.up).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.leftoversEnded;
    await Promise.allSettled([...this.links.values()].flat().map((l) => l.close()));
    this.links.clear();
    this.assigned.clear();
  }
}
