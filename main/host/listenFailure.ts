// Why the studio could not listen, in the person's terms, with what to do instead. For a taken
// port, who holds it: another Claude Code Studio (by the studio.json it wrote, or its /health
// answer), or some process by its pid and command. Best effort, for the message only: whatever
// cannot be found out is left out.
import { execFile } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { resolveDataDir } from '../core/store/dataDir.js';
import { isProcessAlive, readStudioInfo, type StudioInfo } from '../core/studioInfo.js';

/** Each look (a command run, a probe) gives up after this: the person is waiting for the message. */
const LOOK_TIMEOUT_MS = 800;

export interface PortOwner {
  pid?: number;
  /** Its command name (`node`, `python3`). */
  command?: string;
  /** It answered as a Claude Code Studio. */
  studio: boolean;
  /** That studio's data folder, when found. */
  dataDir?: string;
}

function run(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((done) => {
    execFile(command, args, { timeout: LOOK_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout) =>
      done(err ? undefined : stdout),
    );
  });
}

/** `ss -ltnpH 'sport = :P'`: users:(("node",pid=123,fd=21)). */
export function parseSs(output: string): { pid: number; command: string } | undefined {
  const m = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+)/.exec(output);
  return m ? { command: m[1]!, pid: Number(m[2]) } : undefined;
}

/** `lsof -nP -iTCP:P -sTCP:LISTEN -Fpc`: a `p123` line, then `cnode`. */
export function parseLsof(output: string): { pid: number; command: string } | undefined {
  const pid = /^p(\d+)$/m.exec(output)?.[1];
  const command = /^c(.+)$/m.exec(output)?.[1];
  return pid ? { pid: Number(pid), command: command ?? '' } : undefined;
}

/** Linux without ss: the listening socket's inode in /proc/net/tcp*, then the process with that fd. */
function fromProc(port: number): { pid: number; command: string } | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is the tenth field.
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A' && f[9] && f[9] !== '0') inodes.add(f[9]);
    }
  }
  if (!inodes.size) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // Another user's process, or gone.
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        let command = '';
        try {
          command = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
        } catch {
          // Gone meanwhile: the pid is still worth saying.
        }
        return { pid: Number(entry), command };
      }
    }
  }
  return undefined;
}

async function processOnPort(port: number): Promise<{ pid: number; command: string } | undefined> {
  if (process.platform === 'linux') {
    const ss = await run('ss', ['-ltnpH', `sport = :${port}`]);
    const found = ss ? parseSs(ss) : undefined;
    if (found) return found;
    try {
      const proc = fromProc(port);
      if (proc) return proc;
    } catch {
      // No /proc to read.
    }
  }
  const lsof = await run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc']);
  return lsof ? parseLsof(lsof) : undefined;
}

/** The port answers /health as a studio does. The connection is closed whatever happens. */
function answersAsStudio(host: string, port: number): Promise<boolean> {
  const probeHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return new Promise((done) => {
    const req = httpGet({ host: probeHost, port, path: '/health', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body = (body + chunk).slice(0, 4096)));
      res.on('end', () => {
        req.destroy();
        try {
          done((JSON.parse(body) as { name?: unknown }).name === 'ccstudio');
        } catch {
          done(false);
        }
      });
    });
    req.setTimeout(LOOK_TIMEOUT_MS, () => req.destroy());
    req.on('error', () => done(false));
    req.on('close', () => done(false));
  });
}

/** A running studio's `--data DIR` from its command line (Linux), resolved against its folder. */
function dataDirFromCmdline(pid: number): string | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = argv.findIndex((a) => a === '--data' || a.startsWith('--data='));
    if (at < 0) return undefined;
    const dir = argv[at]!.startsWith('--data=') ? argv[at]!.slice('--data='.length) : argv[at + 1];
    if (!dir) return undefined;
    return isAbsolute(dir) ? dir : resolve(readlinkSync(`/proc/${pid}/cwd`), dir);
  } catch {
    return undefined;
  }
}

/**
 * Who holds `port`: the studio.json of the data folders it could be (this one, the default one,
 * the one on the holder's command line) names a live studio on that port, or the port answers as
 * a studio, or the system says which process listens there.
 */
export async function findPortOwner(options: {
  port: number;
  host: string;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
}): Promise<PortOwner | undefined> {
  const { port, host } = options;
  const [owner, studio] = await Promise.all([processOnPort(port), answersAsStudio(host, port)]);
  const candidates = [options.dataDir, resolveDataDir(undefined, options.env ?? process.env)];
  const fromCmdline = owner ? dataDirFromCmdline(owner.pid) : undefined;
  if (fromCmdline) candidates.unshift(fromCmdline);
  const holds = (info: StudioInfo | undefined) =>
    !!info &&
    info.pid !== process.pid &&
    (owner ? info.pid === owner.pid : info.port === port && isProcessAlive(info.pid));
  for (const dir of new Set(candidates)) {
    const info = readStudioInfo(dir);
    if (info && holds(info))
      return { pid: info.pid, studio: true, dataDir: dir, ...(owner ? { command: owner.command } : {}) };
  }
  if (!owner && !studio) return undefined;
  return { ...(owner ?? {}), studio };
}

/** The sentence for a taken port: who holds it, and what to do. */
export function portInUseMessage(port: number, owner: PortOwner | undefined): string {
  const todo = 'Stop it, or pass --port N (--port 0 picks a free one).';
  if (owner?.studio) {
    const about = [owner.pid ? `pid ${owner.pid}` : '', owner.dataDir ? `data folder ${owner.dataDir}` : '']
      .filter(Boolean)
      .join(', ');
    return `Another Claude Code Studio${about ? ` (${about})` : ''} is using port ${port}. ${todo}`;
  }
  if (owner?.pid) {
    return `Port ${port} is in use by pid ${owner.pid}${owner.command ? ` (${owner.command})` : ''}. ${todo}`;
  }
  return `Port ${port} is in use by another program. Pass --port N (--port 0 picks a free one).`;
}

/** Why listening failed, for the errors other than a taken port. */
export function listenFailure(err: NodeJS.ErrnoException, host: string, port: number): string {
  const usual = `serve listens on 127.0.0.1 unless --host says otherwise.`;
  switch (err.code) {
    case 'EADDRNOTAVAIL':
      return `Cannot listen on ${host}: no network interface on this machine has that address. ${usual}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot listen on ${host}: this machine cannot resolve that name to an address of its own. ${usual}`;
    case 'EACCES':
      return port < 1024
        ? `Cannot listen on port ${port}: ports below 1024 need administrator rights. Pass --port N with N from 1024 up (--port 0 picks a free one).`
        : `Cannot listen on ${host}:${port}: the system does not allow it. Pass another --port N (--port 0 picks a free one).`;
    default:
      return `Cannot listen on ${host}:${port}: ${err.message}`;
  }
}
