// A throwaway OpenSSH server on loopback standing in for another machine: Debian's sshd with its
// own host key and config, logging in one account made for it (REMOTE_USER, no password, a key
// of the test's own). The studio reaches it through the real `ssh` client, with a config file of
// the test's (so the person's ~/.ssh is never read or written), through a wrapper script given
// to the studio as its ssh command.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, freePort, relay } from './ports.js';
import type { SkipReason } from './skipReason.js';
import { waitFor } from './waitFor.js';

export const SSHD = '/usr/sbin/sshd';
/** The account on "the other machine". */
export const REMOTE_USER = 'ccremote';
/** The Host alias the test's ssh config gives the server. */
export const REMOTE_ALIAS = 'studio-remote';

/** Why the SSH tests cannot run here, or undefined when they can. */
export const sshdMissingReason: SkipReason =
  process.getuid?.() !== 0
    ? 'the SSH tests make an account for the remote side and run sshd, which needs root'
    : !existsSync(SSHD)
      ? 'OpenSSH server (/usr/sbin/sshd) is not installed: .ci/run installs openssh-server'
      : !existsSync('/usr/bin/ssh') || !existsSync('/usr/bin/ssh-keygen')
        ? 'the OpenSSH client (ssh, ssh-keygen) is not installed'
        : undefined;

export interface Sshd {
  port: number;
  /**
   * 'own': the remote side has a network of its own (a namespace with one link to this machine),
   * so its loopback is not this machine's and the studio is reachable there only through SSH.
   * 'shared': it shares this machine's loopback (asked for, or no namespace can be made here).
   */
  network: 'own' | 'shared';
  /** The address ssh connects to: the remote's own, or loopback. */
  address: string;
  /** The test's folder: keys, configs, the wrappers. */
  dir: string;
  /** An ssh that logs in to REMOTE_ALIAS with the test's key (what the studio is given). */
  sshCommand: string;
  /** The same, with a key the server does not know. */
  wrongKeySsh: string;
  /** The same, with no record of the server's host key. */
  unknownHostSsh: string;
  /** An ssh whose config has these lines too in the host's block (a person's own settings). */
  sshWith(name: string, lines: string[]): string;
  /** REMOTE_USER's HOME in this server's sessions: the test's own folder (see remoteDir). */
  home: string;
  /**
   * A folder of its own for this test on the remote, owned by REMOTE_USER, and its HOME in this
   * server's sessions: what the studio leaves there (~/.ccstudio) goes when the test ends.
   */
  remoteDir: string;
  /** Runs a command as REMOTE_USER, as the remote machine would (in its network). */
  asRemote(command: string[]): string;
  /** Cuts every SSH connection to this server (the network between the machines fails). */
  dropConnections(): void;
  /** SSH connections open to the server now. */
  connectionCount(): number;
  /**
   * The network between the machines goes silent: the server's connection processes stop (they
   * answer nothing, as behind a dead Wi-Fi) while what runs in their sessions goes on. The
   * client notices by its keepalives; the server does not notice at all.
   */
  freezeConnections(): void;
  /** Stops the server (the host goes away) and starts it again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function run(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The fake Claude Code (test/fixtures/fakeAgent.mjs) on the remote, in the test's folder there,
 * where its user can run it; returns its path, for an agent's `--command`.
 */
export function installFakeClaude(sshd: Pick<Sshd, 'remoteDir'>, fakeAgent: string): string {
  copyFileSync(fakeAgent, join(sshd.remoteDir, 'fakeAgent.mjs'));
  const claude = join(sshd.remoteDir, 'claude');
  writeFileSync(claude, `#!/bin/sh\nexec /usr/bin/node ${sshd.remoteDir}/fakeAgent.mjs "$@"\n`, {
    mode: 0o755,
  });
  return claude;
}

/** Test files run at once; the account is made by one of them, under a lock. */
const USER_LOCK = join(tmpdir(), 'ccstudio-test-remote-user.lock');

/** The account exists once per machine: made (or unlocked) under USER_LOCK. */
function ensureRemoteUser(): string {
  run('flock', [
    USER_LOCK,
    'sh',
    '-c',
    // A locked account ('!') is refused by sshd even with a key; '*' is no password, not locked.
    `getent passwd ${REMOTE_USER} >/dev/null || useradd --create-home --shell /bin/bash ${REMOTE_USER}; ` +
      `usermod -p '*' ${REMOTE_USER}`,
  ]);
  return run('getent', ['passwd', REMOTE_USER]).split(':')[5]!;
}

function keygen(file: string): string {
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ccstudio-test', '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

function clientConfig(
  dir: string,
  name: string,
  address: string,
  port: number,
  key: string,
  knownHosts: string,
  extra: string[] = [],
): string {
  const file = join(dir, `${name}.config`);
  writeFileSync(
    file,
    [
      `Host ${REMOTE_ALIAS}`,
      `  HostName ${address}`,
      `  Port ${port}`,
      `  User ${REMOTE_USER}`,
      `  IdentityFile ${key}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  LogLevel ERROR',
      ...extra.map((l) => `  ${l}`),
      '',
    ].join('\n'),
  );
  const wrapper = join(dir, `${name}-ssh`);
  writeFileSync(wrapper, `#!/bin/sh\nexec /usr/bin/ssh -F '${file}' "$@"\n`, { mode: 0o755 });
  return wrapper;
}

/** The remote side as its env function sees it: its folder, and a way to reach this machine. */
export interface RemoteSide {
  dir: string;
  /** A URL for a server on this machine's loopback (the model stub) that the remote can reach. */
  reach(url: string): Promise<string>;
}

/** A network namespace of the remote's own, linked to this machine by a veth pair. */
interface RemoteNetwork {
  name: string;
  /** The remote's address on the link (sshd listens there). */
  remoteAddr: string;
  /** This machine's address on the link, as the remote reaches it. */
  hostAddr: string;
  close(): void;
}

/** Why no namespace could be made here (said once): the tests then share this machine's loopback. */
let noNamespace: string | undefined;

/**
 * The remote's own network, where this machine permits one (root with CAP_NET_ADMIN and iproute2):
 * a namespace whose only link is a /30 to this machine, picked at random in 10.231.0.0/16 so test
 * files running at once each get their own.
 */
function remoteNetwork(draws = 0): RemoteNetwork | undefined {
  if (noNamespace !== undefined) return undefined;
  const id = randomBytes(3).toString('hex');
  const name = `ccstudio-${id}`;
  const hostIf = `ccs${id}h`;
  const remoteIf = `ccs${id}r`;
  const cell = randomInt(0, 16384);
  const prefix = `10.231.${cell >> 6}.`;
  const hostAddr = `${prefix}${(cell & 63) * 4 + 1}`;
  const remoteAddr = `${prefix}${(cell & 63) * 4 + 2}`;
  const close = () => {
    try {
      // The host's end of the link goes with the namespace.
      run('ip', ['netns', 'delete', name]);
    } catch {
      // Not made, or gone already.
    }
  };
  try {
    run('ip', ['netns', 'add', name]);
    run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', remoteIf, 'netns', name]);
    run('ip', ['addr', 'add', `${hostAddr}/30`, 'dev', hostIf]);
    run('ip', ['link', 'set', hostIf, 'up']);
    run('ip', ['-n', name, 'addr', 'add', `${remoteAddr}/30`, 'dev', remoteIf]);
    run('ip', ['-n', name, 'link', 'set', remoteIf, 'up']);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    // Another test file that drew the same /30 at the same moment: draw again (a few times).
    const holders = run('ip', ['-o', '-4', 'addr', 'show', 'to', `${hostAddr}/30`])
      .trim()
      .split('\n');
    if (holders.length !== 1) {
      close();
      if (draws < 4) return remoteNetwork(draws + 1);
      throw new Error(`${hostAddr}/30 is taken on every draw`);
    }
  } catch (err) {
    close();
    noNamespace = (err as Error).message.split('\n')[0] ?? 'unknown';
    console.warn(`SSH tests: no network namespace for the remote here (${noNamespace}); it shares loopback.`);
    return undefined;
  }
  // A test process that dies still takes its namespace along.
  process.once('exit', close);
  return { name, remoteAddr, hostAddr, close };
}

/**
 * Starts sshd for "the other machine": in a network of its own where this machine permits one
 * (see remoteNetwork), else on loopback; `network: 'shared'` asks for loopback (a test whose
 * studio stands for a process on the remote side, as the `ssh -L` one). `env` is given to every
 * session there (sshd's SetEnv): the remote side's PATH, the model stub's URL and the like; a
 * function of the remote side when it names places in it or servers here.
 */
export async function startSshd(
  env:
    | Record<string, string>
    | ((remote: RemoteSide) => Record<string, string> | Promise<Record<string, string>>) = {},
  options: { network?: 'own' | 'shared' } = {},
): Promise<Sshd> {
  const home = ensureRemoteUser();
  const net = options.network === 'shared' ? undefined : remoteNetwork();
  const address = net?.remoteAddr ?? '127.0.0.1';
  const relays: Array<{ close(): void }> = [];
  const reach = async (url: string) => {
    if (!net) return url;
    const u = new URL(url);
    const r = await relay(net.hostAddr, Number(u.port));
    relays.push(r);
    u.hostname = net.hostAddr;
    u.port = String(r.port);
    return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  };
  const dir = mkdtempSync(join(tmpdir(), 'ccstudio-sshd-'));
  // sshd reads the authorized keys as REMOTE_USER: the folder must let it through.
  chmodSync(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_key');
  const hostPub = keygen(hostKey);
  const clientKey = join(dir, 'client_key');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, keygen(clientKey) + '\n', { mode: 0o644 });
  keygen(join(dir, 'stranger_key'));
  const remoteDir = mkdtempSync(join(home, 'test-'));
  run('chown', [`${REMOTE_USER}:${REMOTE_USER}`, remoteDir]);
  const setEnv = {
    HOME: remoteDir,
    ...(typeof env === 'function' ? await env({ dir: remoteDir, reach }) : env),
  };

  let port = 0;
  let configured = false;
  let sshd: ChildProcess | undefined;
  let log = '';
  const config = join(dir, 'sshd_config');
  const writeConfig = () =>
    writeFileSync(
      config,
      [
        `Port ${port}`,
        `ListenAddress ${address}`,
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorized}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        `AllowUsers ${REMOTE_USER}`,
        'AllowTcpForwarding yes',
        'X11Forwarding no',
        'PermitTTY yes',
        // Sessions on one connection: OpenSSH's default, as on the person's own machines.
        'MaxSessions 10',
        'MaxStartups 64',
        'LogLevel VERBOSE',
        // One line: sshd takes the first SetEnv it reads and ignores the rest. Quoted: a value
        // may hold a space (a git identity).
        ...(Object.keys(setEnv).length
          ? [
              `SetEnv ${Object.entries(setEnv)
                .map(([k, v]) => `"${k}=${v}"`)
                .join(' ')}`,
            ]
          : []),
        '',
      ].join('\n'),
    );
  const start = async () => {
    for (let attempt = 0; ; attempt++) {
      if (!port) port = await freePort();
      writeConfig();
      log = '';
      // In its namespace: `ip netns exec` enters it and execs sshd (the same process, pid and all).
      const [file, args] = net
        ? ['ip', ['netns', 'exec', net.name, SSHD, '-D', '-e', '-f', config]]
        : [SSHD, ['-D', '-e', '-f', config]];
      const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (d: string) => (log = (log + d).slice(-20_000)));
      const up = await waitFor(
        'sshd to listen',
        async () => (child.exitCode !== null ? 'exited' : (await accepts(port, address)) ? 'up' : undefined),
        { timeoutMs: 10_000, describe: () => log },
      );
      if (up === 'up') {
        sshd = child;
        return;
      }
      // Another process took the port between our look and sshd's bind: another port, but only
      // before the clients' configs name it (a start again after stop() keeps its port).
      if (attempt >= 4 || configured || !/Address already in use|Cannot bind/.test(log))
        throw new Error(`sshd did not start:\n${log}`);
      port = 0;
    }
  };
  const stop = async () => {
    const child = sshd;
    if (!child || child.exitCode !== null) return;
    // The host goes away: its connections with it (they hold the log pipe, so 'exit', not 'close').
    dropConnections();
    sshd = undefined;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };
  const children = (pid: number): number[] => {
    try {
      return run('pgrep', ['-P', String(pid)])
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      // pgrep exits 1 when there are none.
      return [];
    }
  };
  const dropConnections = () => {
    // Each connection is an sshd child of the listener (and its own children): all of them go,
    // the way a network that fails takes every connection at once. The listener stays.
    if (!sshd?.pid) return;
    const tree = (pid: number): number[] => children(pid).flatMap((k) => [k, ...tree(k)]);
    for (const pid of tree(sshd.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  };
  await start();
  configured = true;

  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[${address}]:${port} ${hostPub}\n`);
  writeFileSync(join(dir, 'empty_known_hosts'), '');
  const sshCommand = clientConfig(dir, 'client', address, port, clientKey, knownHosts);
  const wrongKeySsh = clientConfig(dir, 'stranger', address, port, join(dir, 'stranger_key'), knownHosts);
  const unknownHostSsh = clientConfig(
    dir,
    'unknown',
    address,
    port,
    clientKey,
    join(dir, 'empty_known_hosts'),
  );

  return {
    get port() {
      return port;
    },
    dir,
    sshCommand,
    wrongKeySsh,
    unknownHostSsh,
    network: net ? 'own' : 'shared',
    address,
    sshWith: (name, lines) => clientConfig(dir, name, address, port, clientKey, knownHosts, lines),
    home: remoteDir,
    remoteDir,
    asRemote: (command) =>
      net
        ? run('ip', ['netns', 'exec', net.name, 'runuser', '-u', REMOTE_USER, '--', ...command])
        : run('runuser', ['-u', REMOTE_USER, '--', ...command]),
    dropConnections,
    freezeConnections() {
      if (!sshd?.pid) return;
      const tree = (pid: number): number[] => children(pid).flatMap((k) => [k, ...tree(k)]);
      for (const pid of tree(sshd.pid)) {
        let name = '';
        try {
          name = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        } catch {
          continue;
        }
        if (name === 'sshd') process.kill(pid, 'SIGSTOP');
      }
    },
    connectionCount: () => (sshd?.pid ? children(sshd.pid).length : 0),
    stop,
    start,
    async close() {
      await stop();
      for (const r of relays) r.close();
      net?.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(remoteDir, { recursive: true, force: true });
    },
  };
}
