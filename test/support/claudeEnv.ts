// A throwaway HOME in which the real Claude Code CLI runs against the model stub without an
// account: onboarding done, the dummy key approved, the work folder trusted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Any key works with the stub; its last 20 characters must be pre-approved in ~/.claude.json. */
export const STUB_API_KEY = 'sk-ant-api03-' + 'studio-test-'.repeat(6) + 'AAAAAAAAAAAAAAAAAAAA';

export function seedClaudeHome(home: string, trustedFolders: string[]): void {
  mkdirSync(join(home, '.claude'), { recursive: true });
  writeFileSync(
    join(home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      numStartups: 1,
      customApiKeyResponses: { approved: [STUB_API_KEY.slice(-20)], rejected: [] },
      projects: Object.fromEntries(
        trustedFolders.map((f) => [f, { hasTrustDialogAccepted: true, allowedTools: [] }]),
      ),
    }),
  );
}

export function claudeStubEnv(home: string, stubUrl: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    ANTHROPIC_BASE_URL: stubUrl,
    ANTHROPIC_API_KEY: STUB_API_KEY,
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
  };
}
