#!/usr/bin/env node
// Run by Claude Code for each hook of a studio agent where the CLI cannot post hooks itself
// (SessionStart always; every hook before 2.1.63): forwards the hook's JSON to the studio and
// prints the studio's answer, which is Claude Code's own hook output (a Stop block carrying the
// notice of queued mail, a PostToolUse or SessionStart context). Never blocks the session: if the
// studio is unreachable it exits 0 quietly.
//
// Its first argument is the agent's hook.json ({url, token, waitUrl}): the credential is read from
// that private file, never from the environment or the command line, where the agent's own shell
// and every local process could read it. The token is good for nothing but reporting this agent's
// hooks.
//
// With a second argument `wait` it is the agent's waiter instead (an asyncRewake hook, which Claude
// Code runs in the background at each start and turn end): it waits on the studio, with no polling,
// until the studio answers. With a notice it prints it and exits 2, which wakes the idle model with
// it and types nothing; ended (a newer waiter took over, the agent stops, the studio went) it exits
// 0 and wakes nothing.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

/** A hook that takes longer than this slows the agent's every turn; the studio answers in ms. */
const HOOK_TIMEOUT_MS = 2000;
/**
 * A permission request is held while the person decides from the studio's queue (the dialog stays
 * answerable in the terminal meanwhile): Claude Code's own timeout for it ends this process first.
 */
const PERMISSION_TIMEOUT_MS = 2 * 60 * 60_000;
/** The exit code that makes Claude Code wake the model with the hook's output (asyncRewake). */
const REWAKE_EXIT = 2;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Credential {
  url: string;
  token: string;
  waitUrl?: string;
}

function credential(file: string | undefined): Credential | undefined {
  if (!file) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as { url?: unknown; token?: unknown; waitUrl?: unknown };
    if (typeof c.url !== 'string' || typeof c.token !== 'string') return undefined;
    return { url: c.url, token: c.token, ...(typeof c.waitUrl === 'string' ? { waitUrl: c.waitUrl } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * One POST held open for as long as the studio keeps it (fetch would give up after five minutes):
 * the answer's JSON, or undefined when the studio cannot be reached or refuses.
 */
function postAndWait(url: string, token: string, body: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve(undefined);
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            resolve(undefined);
          }
        });
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('error', () => resolve(undefined));
    req.end(text);
  });
}

/** The hook that ran the waiter was a start that resumed the session (SessionStart, source resume). */
function resumedStart(input: string): boolean {
  try {
    const hook = JSON.parse(input) as { hook_event_name?: unknown; source?: unknown };
    return hook.hook_event_name === 'SessionStart' && hook.source === 'resume';
  } catch {
    return false;
  }
}

/** The waiter: the exit code Claude Code acts on (2 wakes the model with what is on stderr). */
async function waitForMail(target: Credential, input: string): Promise<number> {
  if (!target.waitUrl) return 0;
  // No watch on the CLI that ran it is needed: the studio ends the wait when that CLI exits (some
  // versions leave their background hooks running), and a studio that went breaks the connection.
  const answer = await postAndWait(target.waitUrl, target.token, {
    waiter: randomUUID(),
    ...(resumedStart(input) ? { resumed: true } : {}),
  });
  const notice = (answer as { wake?: unknown } | undefined)?.wake;
  if (typeof notice !== 'string' || !notice) return 0;
  await new Promise<void>((resolve) => process.stderr.write(notice, () => resolve()));
  return REWAKE_EXIT;
}

async function main(): Promise<number> {
  const input = await readStdin();
  const target = credential(process.argv[2]);
  if (!target) return 0;
  if (process.argv[3] === 'wait') return waitForMail(target, input);
  let payload: unknown;
  try {
    payload = JSON.parse(input || '{}');
  } catch {
    return 0;
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
  if (!res.ok) return 0;
  const answer = (await res.json()) as unknown;
  // Only an object with something in it: an empty answer leaves the session as it was.
  if (answer && typeof answer === 'object' && !Array.isArray(answer) && Object.keys(answer).length)
    process.stdout.write(JSON.stringify(answer));
  return 0;
}

main().then(
  (code) => process.exit(code),
  () => process.exit(0),
);
