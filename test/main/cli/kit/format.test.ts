// What `status` and `agent list` print under an agent that exited or waits for the person.
import { describe, expect, it } from 'vitest';
import type { AgentExit, StudioStatus } from '../../../../main/contract/model.js';
import {
  agentStateLabel,
  exitLines,
  formatAgents,
  formatStatus,
  waitingHint,
} from '../../../../main/cli/kit/format.js';
import { makeAgent } from '../../../support/modelFixtures.js';

const exit = (over: Partial<AgentExit> = {}): AgentExit => ({
  code: 1,
  signal: null,
  at: 0,
  ranMs: 400,
  tail: ['Unable to connect to Anthropic services', 'Failed to connect to api.anthropic.com: ENOTFOUND'],
  advice: 'Claude Code cannot reach its service (api.anthropic.com: ENOTFOUND). Check the network.',
  quickExits: 1,
  gaveUp: false,
  ...over,
});

const status = (agents: ReturnType<typeof makeAgent>[]): StudioStatus => ({
  agents: agents.map((a) => ({ ...a, unread: 0, openTasks: 0 })),
  taskCounts: { backlog: 0, assigned: 0, in_progress: 0, blocked: 0, review: 0, done: 0 },
  openTasks: [],
  activity: [],
  deliveries: [],
});

const cmd = (words: string) => `npx ccstudio ${words} --data /d`;

describe('an exited agent under its line', () => {
  it('leads with the cause, then the lines it printed', () => {
    const lines = exitLines(makeAgent({ state: 'exited', lastExit: exit() }), '');
    expect(lines).toEqual([
      'exited with code 1 after 0.4 s. Claude Code cannot reach its service (api.anthropic.com: ENOTFOUND). Check the network.',
      '| Unable to connect to Anthropic services',
      '| Failed to connect to api.anthropic.com: ENOTFOUND',
    ]);
  });

  it('says once that it keeps exiting, and says a restart is coming', () => {
    const gaveUp = exitLines(
      makeAgent({
        state: 'exited',
        lastExit: exit({
          gaveUp: true,
          quickExits: 3,
          advice:
            'Claude Code cannot reach its service. It keeps exiting (3 times in a row within seconds of starting), so the studio stopped restarting it.',
        }),
      }),
    ).join('\n');
    expect(gaveUp.match(/keeps exiting/gi)).toHaveLength(1);
    const restarting = exitLines(makeAgent({ state: 'exited', lastExit: exit({ restartAt: 5 }) }))[0];
    expect(restarting).toMatch(/^ {4}exited with code 1 after 0\.4 s \(the studio is restarting it\)\. /);
  });

  it('shows all of Claude Code service check, the lines that say why among them', () => {
    const tail = [
      'Unable to connect to Anthropic services',
      'Failed to connect to api.anthropic.com: ENOTFOUND',
      'Check your internet connection and network settings.',
      'Claude Code might not be available in your country. Check',
      'supported countries at',
      'https://anthropic.com/supported-countries',
    ];
    const lines = exitLines(makeAgent({ state: 'exited', lastExit: exit({ tail }) }), '');
    expect(lines.slice(1)).toEqual(tail.map((l) => `| ${l}`));
  });
});

describe('an agent waiting on something only the person can do', () => {
  it('names the folder-trust question and a Claude Code that is not logged in, never "starting"', () => {
    expect(agentStateLabel(makeAgent({ state: 'waiting_trust' }))).toBe(
      'waiting for you: trust this folder?',
    );
    expect(agentStateLabel(makeAgent({ state: 'waiting_login' }))).toBe('waiting for you: not logged in');
  });

  it('says what to do, with commands that run on this studio', () => {
    const trust = makeAgent({ name: 'agent-1', state: 'waiting_trust', cwd: '/r-worktrees/agent-1' });
    expect(waitingHint(trust, cmd)).toBe(
      "Claude Code asks whether you trust /r-worktrees/agent-1 (its first start there): answer in its terminal in the studio's page (`npx ccstudio open --data /d`).",
    );
    const login = makeAgent({ name: 'agent-2', state: 'waiting_login' });
    expect(waitingHint(login, cmd)).toBe(
      "Claude Code is not logged in: type /login in its terminal in the studio's page (`npx ccstudio open --data /d`), or run `claude` in a terminal and log in, then `npx ccstudio agent restart agent-2 --data /d`.",
    );
    expect(waitingHint(makeAgent({ state: 'idle' }), cmd)).toBeUndefined();

    const text = formatStatus(status([trust, login]), cmd);
    expect(text).toMatch(/agent-1 +waiting for you: trust this folder\?/);
    expect(text).toMatch(/\n {6}Claude Code asks whether you trust \/r-worktrees\/agent-1/);
    expect(text).toMatch(/\n {6}Claude Code is not logged in: type \/login/);
    const list = formatAgents([trust, login], cmd);
    expect(list).toMatch(/agent-1 +agent +waiting for you: trust this folder\?/);
    expect(list).toMatch(/\n {4}Claude Code asks whether you trust/);
  });
});
