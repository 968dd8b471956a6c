import { PERMISSION_HOOK_TIMEOUT_S } from '../../../../main/contract/hooks.js';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildClaudeLaunch,
  childEnv,
  claudeTranscriptPath,
  findExecutable,
  STUDIO_BRIEFING,
  type ClaudeLaunchInput,
} from '../../../../main/core/claude/claudeLaunch.js';
import type { AgentProfile } from '../../../../main/contract/model.js';
import { classifyScreen } from '../../../../main/core/sessions/screenClassifier.js';
import { startFakeAgentStudio, type FakeAgentStudio } from '../../../support/fakeAgentStudio.js';
import { tempDir as makeTempDir } from '../../../support/studioHarness.js';
import { waitFor } from '../../../support/waitFor.js';

const mode = (file: string) => statSync(file).mode & 0o777;

const dirs: string[] = [];
function tempDir(): string {
  const dir = makeTempDir('ccstudio-launch-');
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function input(dir: string, over: Partial<ClaudeLaunchInput> = {}): ClaudeLaunchInput {
  return {
    agentName: 'builder',
    agentDir: join(dir, 'agents', 'builder'),
    cwd: dir,
    mcpUrl: 'http://127.0.0.1:4000/mcp',
    hookUrl: 'http://127.0.0.1:4000/hooks',
    token: 'tok_secret',
    hookToken: 'ccsh_hook_secret',
    hookCommand: '/usr/bin/node /opt/hookReporter.js',
    sessionId: '11111111-2222-3333-4444-555555555555',
    resume: false,
    rolePrompt: 'You build things.',
    claudeCommand: '/usr/local/bin/claude',
    baseEnv: { PATH: '/usr/bin', HOME: dir },
    ...over,
  };
}

describe('buildClaudeLaunch', () => {
  it('writes the MCP config (with the token), the hook credential and hook settings, private to the user', () => {
    const dir = tempDir();
    const launch = buildClaudeLaunch(input(dir));
    const agentDir = join(dir, 'agents', 'builder');
    const mcpFile = join(agentDir, 'mcp.json');
    const settingsFile = join(agentDir, 'settings.json');
    const hookFile = join(agentDir, 'hook.json');
    expect(JSON.parse(readFileSync(mcpFile, 'utf8'))).toEqual({
      mcpServers: {
        studio: {
          type: 'http',
          url: 'http://127.0.0.1:4000/mcp',
          headers: { Authorization: 'Bearer tok_secret' },
        },
      },
    });
    expect(JSON.parse(readFileSync(hookFile, 'utf8'))).toEqual({
      url: 'http://127.0.0.1:4000/hooks',
      token: 'ccsh_hook_secret',
    });
    // The reporter is told where its credential is, never the credential itself.
    const hook = [
      {
        hooks: [
          { type: 'command', command: `/usr/bin/node /opt/hookReporter.js '${hookFile}'`, timeout: 10 },
        ],
      },
    ];
    // No version known: every hook is a command, which every supported version runs. A permission
    // request is held while the person decides: its limit is the hold's, not a turn's.
    const held = [{ hooks: [{ ...hook[0]!.hooks[0]!, timeout: PERMISSION_HOOK_TIMEOUT_S }] }];
    const every = {
      UserPromptSubmit: hook,
      PostToolUse: hook,
      PermissionRequest: held,
      Stop: hook,
      Notification: hook,
    };
    expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toEqual({
      hooks: { SessionStart: hook, ...every },
    });
    expect(mode(mcpFile)).toBe(0o600);
    expect(mode(settingsFile)).toBe(0o600);
    expect(mode(hookFile)).toBe(0o600);
    expect(mode(agentDir)).toBe(0o700);
    expect(launch.command).toBe('/usr/local/bin/claude');
  });

  it('posts hooks over http from 2.1.63 (SessionStart stays a command), and keeps commands before it', () => {
    const dir = tempDir();
    const settingsFile = join(dir, 'agents', 'builder', 'settings.json');
    const read = () => JSON.parse(readFileSync(settingsFile, 'utf8')) as { hooks: Record<string, unknown> };
    buildClaudeLaunch({ ...input(dir), version: '2.1.330' });
    const http = [
      {
        hooks: [
          {
            type: 'http',
            url: 'http://127.0.0.1:4000/hooks',
            headers: { Authorization: 'Bearer ccsh_hook_secret' },
            timeout: 10,
          },
        ],
      },
    ];
    const { SessionStart, ...rest } = read().hooks;
    expect(SessionStart).toMatchObject([{ hooks: [{ type: 'command' }] }]);
    expect(rest).toEqual({
      UserPromptSubmit: http,
      PostToolUse: http,
      PermissionRequest: [{ hooks: [{ ...http[0]!.hooks[0]!, timeout: PERMISSION_HOOK_TIMEOUT_S }] }],
      Stop: http,
      Notification: http,
    });
    buildClaudeLaunch({ ...input(dir), version: '2.1.62' });
    expect(read().hooks.Stop).toMatchObject([{ hooks: [{ type: 'command' }] }]);
  });

  it('keeps the token file private even when an older copy was readable by others', () => {
    // BUG (claudeLaunch.ts buildClaudeLaunch): writeFileSync's `mode` applies only when it
    // creates the file, so an existing mcp.json keeps its permissions while the new token is
    // written into it. Fix: chmodSync(file, 0o600) after writing (and the folder to 0o700).
    const dir = tempDir();
    const agentDir = join(dir, 'agents', 'builder');
    mkdirSync(agentDir, { recursive: true });
    writeFileSync(join(agentDir, 'mcp.json'), '{}');
    chmodSync(join(agentDir, 'mcp.json'), 0o644);
    buildClaudeLaunch(input(dir));
    expect(readFileSync(join(agentDir, 'mcp.json'), 'utf8')).toContain('tok_secret');
    expect(mode(join(agentDir, 'mcp.json'))).toBe(0o600);
  });

  it('builds the command line: config, settings, briefing with name and role, allowed tools, session', () => {
    const dir = tempDir();
    const { args } = buildClaudeLaunch(input(dir, { extraArgs: ['--model', 'opus'] }));
    const agentDir = join(dir, 'agents', 'builder');
    expect(args).toEqual([
      '--mcp-config',
      join(agentDir, 'mcp.json'),
      '--settings',
      join(agentDir, 'settings.json'),
      '--append-system-prompt',
      `${STUDIO_BRIEFING}\n\nYour name in the studio is builder.\n\nYour role: You build things.`,
      '--allowedTools',
      'mcp__studio',
      '--session-id',
      '11111111-2222-3333-4444-555555555555',
      '--model',
      'opus',
    ]);
    const resumed = buildClaudeLaunch(input(dir, { resume: true, rolePrompt: '' })).args;
    expect(resumed.slice(-2)).toEqual(['--resume', '11111111-2222-3333-4444-555555555555']);
    expect(resumed[5]).toBe(`${STUDIO_BRIEFING}\n\nYour name in the studio is builder.`);
  });

  it("gives the child its identity and drops another Claude session's variables", () => {
    const dir = tempDir();
    const { env } = buildClaudeLaunch(
      input(dir, {
        baseEnv: {
          PATH: '/usr/bin',
          HOME: dir,
          CLAUDECODE: '1',
          CLAUDE_CODE_ENTRYPOINT: 'cli',
          CLAUDE_CODE_SSE_PORT: '123',
          CLAUDE_CODE_IDE_HOST: 'x',
          CLAUDE_PROJECT_DIR: '/p',
          MCP_SESSION_ID: 's',
          CLAUDE_CODE_USE_BEDROCK: '1',
          ANTHROPIC_API_KEY: 'k',
        },
      }),
    );
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      STUDIO_AGENT: 'builder',
      ENABLE_TOOL_SEARCH: 'false',
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      // The user's own settings pass through.
      CLAUDE_CODE_USE_BEDROCK: '1',
      ANTHROPIC_API_KEY: 'k',
    });
    // No credential in the environment the agent's shell inherits, nor on the command line.
    const launch = buildClaudeLaunch(input(dir));
    expect(JSON.stringify(launch.env)).not.toMatch(/tok_secret|ccsh_hook_secret/);
    expect(JSON.stringify(launch.args)).not.toMatch(/tok_secret|ccsh_hook_secret/);
    for (const k of [
      'CLAUDECODE',
      'CLAUDE_CODE_ENTRYPOINT',
      'CLAUDE_CODE_SSE_PORT',
      'CLAUDE_CODE_IDE_HOST',
      'CLAUDE_PROJECT_DIR',
      'MCP_SESSION_ID',
    ])
      expect(env, k).not.toHaveProperty(k);
    expect(
      buildClaudeLaunch(input(dir, { baseEnv: { ENABLE_TOOL_SEARCH: 'true' } })).env.ENABLE_TOOL_SEARCH,
    ).toBe('true');
  });
});

describe('the sandboxed profile', () => {
  it("turns Claude Code's sandbox on, never unsandboxed, with the private folders out of reach", () => {
    const dir = tempDir();
    buildClaudeLaunch(input(dir, { sandbox: { denyRead: ['/data/Claude Code Studio', '/launch'] } }));
    const settings = JSON.parse(readFileSync(join(dir, 'agents', 'builder', 'settings.json'), 'utf8'));
    expect(settings.sandbox).toEqual({
      enabled: true,
      failIfUnavailable: true,
      allowUnsandboxedCommands: false,
      autoAllowBashIfSandboxed: true,
      filesystem: { denyRead: ['/data/Claude Code Studio', '/launch'] },
    });
    expect(settings.permissions.deny).toEqual([
      'Read(//data/Claude Code Studio/**)',
      'Edit(//data/Claude Code Studio/**)',
      'Read(//launch/**)',
      'Edit(//launch/**)',
    ]);
    expect(Object.keys(settings.hooks)).toEqual([
      'SessionStart',
      'UserPromptSubmit',
      'PostToolUse',
      'PermissionRequest',
      'Stop',
      'Notification',
    ]);
    const plain = JSON.parse(
      readFileSync((buildClaudeLaunch(input(dir)), join(dir, 'agents', 'builder', 'settings.json')), 'utf8'),
    );
    expect(plain).not.toHaveProperty('sandbox');
    expect(plain).not.toHaveProperty('permissions');
  });

  it("lets a worktree agent's commits write the repository's git data, never its config or hooks", () => {
    const dir = tempDir();
    buildClaudeLaunch(
      input(dir, {
        sandbox: {
          denyRead: ['/data'],
          allowWrite: ['/repo/.git'],
          denyWrite: ['/repo/.git/config', '/repo/.git/hooks'],
        },
      }),
    );
    const settings = JSON.parse(readFileSync(join(dir, 'agents', 'builder', 'settings.json'), 'utf8'));
    expect(settings.sandbox.filesystem).toEqual({
      denyRead: ['/data'],
      allowWrite: ['/repo/.git'],
      denyWrite: ['/repo/.git/config', '/repo/.git/hooks'],
    });
    expect(settings.permissions.deny).toEqual([
      'Read(//data/**)',
      'Edit(//data/**)',
      'Edit(//repo/.git/config)',
      'Edit(//repo/.git/config/**)',
      'Edit(//repo/.git/hooks)',
      'Edit(//repo/.git/hooks/**)',
    ]);
  });
});

describe('launch helpers', () => {
  it('childEnv drops undefined values and lets extras win', () => {
    expect(childEnv({ A: '1', B: undefined, TERM: 'dumb' }, { A: '2' })).toEqual({
      A: '2',
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
    });
  });

  it('findExecutable looks on PATH, or checks a path', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mytool'), '#!/bin/sh\n');
    chmodSync(join(dir, 'mytool'), 0o755);
    expect(findExecutable('mytool', { PATH: `/nonexistent:${dir}` })).toBe(join(dir, 'mytool'));
    expect(findExecutable('mytool', { PATH: '/nonexistent' })).toBeUndefined();
    expect(findExecutable(join(dir, 'mytool'), {})).toBe(join(dir, 'mytool'));
    expect(findExecutable(join(dir, 'nope'), {})).toBeUndefined();
  });

  it("claudeTranscriptPath follows Claude Code's project folder naming", () => {
    expect(claudeTranscriptPath('/home/u', '/home/u/my.project', 'abc')).toBe(
      '/home/u/.claude/projects/-home-u-my-project/abc.jsonl',
    );
  });
});

describe('launching a Claude profile (the fake agent as `claude`)', () => {
  let t: FakeAgentStudio | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("passes Claude Code's arguments, then resumes the same session once it has a transcript", async () => {
    t = await startFakeAgentStudio();
    const worker = t.addFakeAgent('worker', { profile: 'claude', rolePrompt: 'You test things.' });
    await worker.start();
    expect(t.studio.sessions.get(worker.id)!.flavor).toBe('claude');
    const [first] = worker.logs.argvs();
    const at = (flag: string) => first![first!.indexOf(flag) + 1]!;
    const sessionId = at('--session-id');
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(at('--allowedTools')).toBe('mcp__studio');
    expect(at('--append-system-prompt')).toContain('Your name in the studio is worker.');
    expect(at('--append-system-prompt')).toContain('Your role: You test things.');
    const mcp = JSON.parse(readFileSync(at('--mcp-config'), 'utf8'));
    expect(mcp.mcpServers.studio.url).toBe(t.http.url);
    const token = mcp.mcpServers.studio.headers.Authorization.replace('Bearer ', '');
    expect(t.studio.agents.byToken(token)?.name).toBe('worker');
    // The profile's own args come last (here: the fake's settings).
    expect(first!.at(-1)).toMatch(/^FAKE_/);

    // No transcript yet: a restart starts the same session id afresh.
    await t.studio.sessions.restart('worker');
    await worker.waitForState('idle');
    expect(worker.logs.argvs()[1]).toContain('--session-id');
    expect(worker.logs.argvs()[1]).toContain(sessionId);

    // With a transcript on disk, the next start resumes it.
    const home = join(t.dataDir, 'home');
    const transcript = claudeTranscriptPath(home, worker.dir, sessionId);
    mkdirSync(join(transcript, '..'), { recursive: true });
    writeFileSync(transcript, '');
    await t.studio.sessions.restart('worker');
    await worker.waitForState('idle');
    const third = worker.logs.argvs()[2]!;
    expect(third[third.indexOf('--resume') + 1]).toBe(sessionId);
    expect(third).not.toContain('--session-id');
  });

  it('tracks it as Claude Code: busy from the screen, idle at the box, and wakes it', async () => {
    t = await startFakeAgentStudio();
    const worker = t.addFakeAgent('worker', { profile: 'claude', busyMs: 1500 });
    await worker.start();
    const states: string[] = [];
    t.studio.sessions.onDidChangeState((e) => {
      if (e.agentId === worker.id) states.push(e.state);
    });
    t.studio.bus.send(t.studio.agents.person, 'worker', 'hello');
    expect(await worker.waitForPrompts(1)).toEqual([
      '[studio] You have 1 new message from user. Call check_inbox now and act on it.',
    ]);
    await waitFor('busy', () => worker.state() === 'busy');
    expect(classifyScreen(worker.screen()).state).toBe('busy');
    await waitFor('idle again', () => worker.state() === 'idle' && states.includes('busy'), {
      timeoutMs: 10_000,
    });
  });

  it('launches a sandboxed profile with the data folder denied, and refuses it where the sandbox cannot run', async () => {
    t = await startFakeAgentStudio();
    const worker = t.addFakeAgent('worker', { profile: 'claude' });
    const sandboxed = (name: string): AgentProfile => {
      const p = t!.studio.agents.require(name).profile;
      if (p.kind !== 'claude') throw new Error('a Claude profile was expected');
      return { ...p, sandbox: true };
    };
    t.studio.agents.setLaunch(worker.id, { profile: sandboxed('worker') });
    await worker.start();
    const [argv] = worker.logs.argvs();
    const settings = JSON.parse(readFileSync(argv![argv!.indexOf('--settings') + 1]!, 'utf8'));
    expect(settings.sandbox).toMatchObject({
      enabled: true,
      failIfUnavailable: true,
      allowUnsandboxedCommands: false,
    });
    expect(settings.sandbox.filesystem.denyRead).toEqual([t.dataDir]);
    await t.close();

    // Without bubblewrap on PATH the profile is refused, and nothing is started unsandboxed.
    t = await startFakeAgentStudio({ baseEnv: { ...process.env, PATH: '/nonexistent' } });
    const boxed = t.addFakeAgent('boxed', { profile: 'claude' });
    t.studio.agents.setLaunch(boxed.id, { profile: sandboxed('boxed') });
    expect(() => t!.studio.sessions.start('boxed')).toThrow(
      /boxed has the sandboxed profile, but Claude Code's sandbox cannot run here: bubblewrap \(bwrap\) and socat are not on PATH\. Install them .* The studio does not start a sandboxed agent without its sandbox\./,
    );
    expect(boxed.logs.argvs()).toEqual([]);
    expect(t.studio.sessions.isRunning(boxed.id)).toBe(false);
    // A command agent cannot ask for Claude Code's sandbox.
    expect(() =>
      t!.studio.agents.add({
        name: 'shell',
        profile: { kind: 'command', command: 'bash', args: [], sandbox: true } as never,
      }),
    ).toThrow(/a command agent cannot have it/);
  });
});
