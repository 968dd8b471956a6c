// The person's PATH for an app started from the Dock or a desktop menu: asked of their login shell, as VS Code does in its own module.
// Free of electron, so plain Node tests cover it; main.ts wires it to Electron.
import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';

/** Brackets the PATH in the shell's output: profiles may print banners around it. */
const PATH_MARK = '__CCSTUDIO_PATH__';
/** A login shell slower than this (a profile waiting on the network) is given up on. */
const SHELL_PATH_TIMEOUT_MS = 5000;

/** The line between the two mark lines of a shell's output: profiles may print around it. */
export function parseShellPath(output: string): string | undefined {
  const lines = output.split(/\r?\n/).map((line) => line.trim());
  const start = lines.indexOf(PATH_MARK);
  const end = start < 0 ? -1 : lines.indexOf(PATH_MARK, start + 1);
  if (end !== start + 2) return undefined;
  return lines[start + 1] || undefined;
}

/** The shell's entries first (that is where `claude` usually is), then the rest, each once. */
export function mergePaths(shellPath: string | undefined, current: string | undefined): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of [...(shellPath ?? '').split(delimiter), ...(current ?? '').split(delimiter)]) {
    if (!entry || seen.has(entry)) continue;
    seen.add(entry);
    out.push(entry);
  }
  return out.join(delimiter);
}

/**
 * The PATH the person's login shell sets up. An app started from the Dock, Finder or a desktop
 * menu gets a bare system PATH, without the folders where npm, Homebrew or nvm put `claude`;
 * agents started from there would fail with "command not found". Undefined when the shell cannot
 * say in time. The command is plain words and semicolons, which sh, bash, zsh and fish all read
 * alike; printenv prints PATH colon-separated even in fish, where $PATH is a list.
 */
export function loginShellPath(
  shell: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = SHELL_PATH_TIMEOUT_MS,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let out = '';
    let done = false;
    const finish = (path: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(path);
    };
    // Its own session (detached): an interactive shell started from a terminal would otherwise
    // take the terminal's foreground and stop the whole app with SIGTTIN, as with `app &`.
    const child = spawn(shell || '/bin/sh', ['-ilc', `echo ${PATH_MARK}; printenv PATH; echo ${PATH_MARK}`], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // Interactive bash and zsh ignore SIGTERM: a profile that blocks is ended with SIGKILL, to
    // the whole group, so nothing it started lingers.
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      finish(undefined);
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', () => finish(undefined));
    child.on('close', (code) => finish(code === 0 ? parseShellPath(out) : undefined));
  });
}
