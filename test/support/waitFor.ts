// Polling waits for tests with real processes: wait for a condition, never for a fixed time.

/**
 * Calls `check` every `everyMs` until it returns something truthy, and returns that. On timeout,
 * throws naming `what` and, when given, what `describe` says about the current state.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false | '' | 0 | Promise<T | undefined | null | false | '' | 0>,
  options: { timeoutMs?: number; everyMs?: number; describe?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const everyMs = options.everyMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      const state = options.describe ? `\n${options.describe()}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${state}`);
    }
    await sleep(everyMs);
  }
}

/**
 * Checks that `check` stays true for `forMs` (polling), for "nothing happens meanwhile"
 * assertions. Throws naming `what` as soon as it turns false.
 */
export async function holdsFor(
  what: string,
  check: () => boolean,
  forMs: number,
  options: { everyMs?: number; describe?: () => string } = {},
): Promise<void> {
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    if (!check()) {
      const state = options.describe ? `\n${options.describe()}` : '';
      throw new Error(`Expected ${what} to hold for ${forMs} ms${state}`);
    }
    await sleep(options.everyMs ?? 25);
  }
  if (!check()) throw new Error(`Expected ${what} to hold for ${forMs} ms`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
