#!/usr/bin/env node
// Run by Claude Code for each hook of a studio agent where the CLI cannot post hooks itself
// (SessionStart always; every hook before 2.1.63): forwards the hook's JSON to the studio and
// prints the studio's answer, which is Claude Code's own hook output (a Stop block carrying the
// notice of queued mail, a PostToolUse or SessionStart context). Never blocks the session: if the
// studio is unreachable it exits 0 quietly.
//
// Its one argument is the agent's hook.json ({url, token}): the credential is read from that
// private file, never from the environment or the command line, where the agent's own shell and
// every local process could read it. The token is good for nothing but reporting this agent's hooks.
import { readFileSync } from 'node:fs';

/** A hook that takes longer than this slows the agent's every turn; the studio answers in ms. */
const HOOK_TIMEOUT_MS = 2000;
/**
 * A permission request is held while the person decides from the studio's queue (the dialog stays
 * answerable in the terminal meanwhile): Claude Code's own timeout for it ends this process first.
 */
const PERMISSION_TIMEOUT_MS = 2 * 60 * 60_000;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function credential(file: string | undefined): { url: string; token: string } | undefined {
  if (!file) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as { url?: unknown; token?: unknown };
    return typeof c.url === 'string' && typeof c.token === 'string'
      ? { url: c.url, token: c.token }
      : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const input = await readStdin();
  const target = credential(process.argv[2]);
  if (!target) return;
  let payload: unknown;
  try {
    payload = JSON.parse(input || '{}');
  } catch {
    return;
  }
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(
      (payload as { hook_event_name?: unknown }).hook_event_name === 'PermissionRequest'
        ? PERMISSION_TIMEOUT_MS
        : HOOK_TIMEOUT_MS,
    ),
  });
  if (!res.ok) return;
  const answer = (await res.json()) as unknown;
  // Only an object with something in it: an empty answer leaves the session as it was.
  if (answer && typeof answer === 'object' && !Array.isArray(answer) && Object.keys(answer).length)
    process.stdout.write(JSON.stringify(answer));
}

main().then(
  () => process.exit(0),
  () => process.exit(0),
);
