import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findExecutable } from '../claude/claudeLaunch.js';

/**
 * A sandbox probe that takes longer than this counts as not working: bwrap normally takes
 * milliseconds, and the probe runs on the studio's event loop.
 */
const PROBE_TIMEOUT_MS = 2000;
/** A failed probe is believed this long before it is tried again (every start would pay it). */
const FAILED_PROBE_TTL_MS = 30_000;
/** Seatbelt's command-line front end, present on every macOS. */
const SANDBOX_EXEC = '/usr/bin/sandbox-exec';

const working = new Set<string>();
const failed = new Map<string, { reason: string; until: number }>();

/**
 * Why Claude Code's sandbox cannot run on this machine, or undefined when it can: bubblewrap and
 * socat on Linux (and bwrap able to make its namespaces, which some distributions restrict),
 * Seatbelt on macOS. A sandboxed profile is refused with this reason rather than run unsandboxed.
 */
export function sandboxUnavailable(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform === 'darwin') {
    return existsSync(SANDBOX_EXEC) ? undefined : `${SANDBOX_EXEC} (Seatbelt) is missing.`;
  }
  if (platform !== 'linux') return `Claude Code's sandbox runs on Linux and macOS, not on ${platform}.`;
  const install = 'Install them (Debian and Ubuntu: sudo apt-get install bubblewrap socat).';
  const bwrap = findExecutable('bwrap', env);
  const socat = findExecutable('socat', env);
  if (!bwrap || !socat) {
    const missing = [!bwrap && 'bubblewrap (bwrap)', !socat && 'socat'].filter(Boolean).join(' and ');
    return `${missing} ${bwrap || socat ? 'is' : 'are'} not on PATH. ${install}`;
  }
  if (working.has(bwrap)) return undefined;
  const known = failed.get(bwrap);
  if (known && known.until > Date.now()) return known.reason;
  const probe = spawnSync(
    bwrap,
    [
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--unshare-pid',
      '--unshare-net',
      '/bin/sh',
      '-c',
      'true',
    ],
    { timeout: PROBE_TIMEOUT_MS, encoding: 'utf8', env: env as Record<string, string> },
  );
  if (probe.status !== 0) {
    const said = (probe.stderr || probe.error?.message || `exit ${String(probe.status)}`)
      .trim()
      .split('\n')[0];
    const reason =
      `bwrap cannot create its sandbox here (${said}). Unprivileged user namespaces may be turned off ` +
      "(Ubuntu 24.04 allows them per program through AppArmor; see bubblewrap's documentation).";
    failed.set(bwrap, { reason, until: Date.now() + FAILED_PROBE_TTL_MS });
    return reason;
  }
  working.add(bwrap);
  return undefined;
}
