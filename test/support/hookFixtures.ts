// Hook bodies recorded from real Claude Code CLIs (test/fixtures/hooks/claude-<version>/): what
// each posted, or handed its command hook, in a run with the model stub, its temp folders renamed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(process.cwd(), 'test/fixtures/hooks');

/** Every recorded body, named `claude-<version>/<Event>[-variant].json`. */
export function recordedHooks(): Array<{ name: string; body: Record<string, unknown> }> {
  return readdirSync(FIXTURES).flatMap((version) =>
    readdirSync(join(FIXTURES, version)).map((file) => ({
      name: `${version}/${file}`,
      body: JSON.parse(readFileSync(join(FIXTURES, version, file), 'utf8')) as Record<string, unknown>,
    })),
  );
}
