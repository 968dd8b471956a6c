import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Claude Code versions the studio was tested with (test/realclients/claudeVersions.test.ts runs
 * each): idle seen, a wake typed once, a permission prompt seen, mail for a busy agent handed
 * over at the end of its turn. The table in docs/team.md lists them.
 */
export const CLAUDE_TESTED = ['2.0.50', '2.1.200', '2.1.330', '2.1.332'] as const;
/** Older versions are refused at launch: their screens and hooks were never checked. */
export const CLAUDE_OLDEST = '2.0.50';
/** The first version that runs `"type": "http"` hooks (2.1.62 ignores them, checked here). */
export const HTTP_HOOKS_FROM = '2.1.63';
/**
 * The first version the studio wakes through its waiter hook (asyncRewake: a background hook that
 * wakes the idle model when it exits 2). Older ones are typed into.
 */
export const ASYNC_REWAKE_FROM = '2.1.64';
/** A version the binary takes longer than this to print is left unknown (command hooks then). */
const VERSION_TIMEOUT_MS = 5000;

const VERSION = /(\d+)\.(\d+)\.(\d+)/;

export function parseVersion(text: string): string | undefined {
  const m = VERSION.exec(text);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

/** Negative, zero or positive, as `a` is older than, the same as or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export const supportsHttpHooks = (version: string | undefined): boolean =>
  !!version && compareVersions(version, HTTP_HOOKS_FROM) >= 0;

export const supportsAsyncRewake = (version: string | undefined): boolean =>
  !!version && compareVersions(version, ASYNC_REWAKE_FROM) >= 0;

/** Why the studio will not run this version, or undefined when it will (an unknown one included). */
export function unsupportedReason(version: string | undefined): string | undefined {
  if (!version || compareVersions(version, CLAUDE_OLDEST) >= 0) return undefined;
  return (
    `Claude Code ${version} is older than the studio supports (${CLAUDE_OLDEST} and newer; tested with ` +
    `${CLAUDE_TESTED.join(', ')}). Update it: \`npm install -g @anthropic-ai/claude-code\` or \`claude update\`.`
  );
}

const cache = new Map<string, string | undefined>();

function keyOf(command: string): { real: string; key: string } | undefined {
  try {
    const real = realpathSync(command);
    return { real, key: `${real}:${statSync(real).mtimeMs}` };
  } catch {
    return undefined;
  }
}

/**
 * The version of the Claude Code a command runs, without waiting: from the npm package it belongs
 * to, or a version folder in its path (the native installer's), or what probeClaudeVersion found.
 * Undefined when none of those knows (a wrapper script not probed yet).
 */
export function claudeVersionOf(command: string): string | undefined {
  const k = keyOf(command);
  if (!k) return undefined;
  if (cache.has(k.key)) return cache.get(k.key);
  const version = fromPackage(k.real) ?? fromPath(k.real);
  if (version) cache.set(k.key, version);
  return version;
}

/**
 * The same, asking the command itself (`--version`) when its files do not say, in a child process
 * so the studio never waits on it. Cached per binary and its modification time: an update is seen
 * at the next start.
 */
export async function probeClaudeVersion(
  command: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const known = claudeVersionOf(command);
  const k = keyOf(command);
  if (known || !k || cache.has(k.key)) return known;
  const version = await fromRun(command, env);
  cache.set(k.key, version);
  return version;
}

function fromPackage(file: string): string | undefined {
  let dir = dirname(file);
  for (let i = 0; i < 4; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
        if (json.name === '@anthropic-ai/claude-code' && json.version) return parseVersion(json.version);
      } catch {
        return undefined;
      }
    }
    dir = dirname(dir);
  }
  return undefined;
}

function fromPath(file: string): string | undefined {
  const m = /[/\\]versions[/\\](\d+\.\d+\.\d+)(?:$|[/\\])/.exec(file);
  return m?.[1];
}

function fromRun(command: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { env, timeout: VERSION_TIMEOUT_MS, encoding: 'utf8' }, (err, out) =>
      resolve(!err && /claude code/i.test(out) ? parseVersion(out) : undefined),
    );
  });
}
