#!/usr/bin/env node
// Run by Claude Code for each hook (SessionStart, UserPromptSubmit, Stop, Notification) of a
// studio agent: forwards the hook's JSON to the studio, and for SessionStart prints the context
// the studio wants restored (the role prompt after /clear or compaction). Never blocks the
// session: if the studio is unreachable it exits 0 quietly.

/** A hook that takes longer than this slows the agent's every turn; the studio answers in ms. */
const HOOK_TIMEOUT_MS = 2000;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const url = process.env.STUDIO_HOOK_URL;
  const token = process.env.STUDIO_TOKEN;
  const input = await readStdin();
  if (!url || !token) return;
  let payload: unknown;
  try {
    payload = JSON.parse(input || '{}');
  } catch {
    return;
  }
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(HOOK_TIMEOUT_MS),
  });
  if (!res.ok) return;
  const answer = (await res.json()) as { additionalContext?: string };
  const event = (payload as { hook_event_name?: string }).hook_event_name;
  if (event === 'SessionStart' && answer.additionalContext) {
    process.stdout.write(
      JSON.stringify({
        hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: answer.additionalContext },
      }),
    );
  }
}

main().then(
  () => process.exit(0),
  () => process.exit(0),
);
