// A test that skips on a machine that cannot run it says why. The reason goes into the suite's
// (or test's) title, "Electron app (skipped: ...)": vitest keeps titles in its JSON report, and
// `npm test` (scripts/test.mjs) prints one line per skipped file with its reason after the run.

/** Why a suite cannot run here, or undefined when it can. */
export type SkipReason = string | undefined;

/** The title, with the reason appended when the suite is skipped (the form scripts/test.mjs reads). */
export function skipTitle(title: string, reason: SkipReason): string {
  return reason ? `${title} (skipped: ${reason})` : title;
}
