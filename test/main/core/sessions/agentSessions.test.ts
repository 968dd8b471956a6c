import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../../../main/contract/errors.js';
import { classifyScreen } from '../../../../main/core/sessions/screenClassifier.js';
import { ScreenMirror } from '../../../../main/core/sessions/screenMirror.js';
import {
  PASTE_END,
  PASTE_START,
  startFakeAgentStudio,
  type FakeAgentStudio,
} from '../../../support/fakeAgentStudio.js';
import { holdsFor, waitFor } from '../../../support/waitFor.js';

// AgentSessions in a real studio: local agents running the fake agent (or a node one-liner) in
// real PTYs.
let t: FakeAgentStudio | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function studio(options: Parameters<typeof startFakeAgentStudio>[0] = {}): Promise<FakeAgentStudio> {
  t = await startFakeAgentStudio(options);
  return t;
}

function studioError(fn: () => unknown): StudioError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StudioError);
    return err as StudioError;
  }
  throw new Error('expected a StudioError');
}

describe('AgentSessions', () => {
  it('starts a local agent: starting, then idle; a second start() leaves it alone', async () => {
    const s = await studio();
    const worker = s.addFakeAgent('worker');
    const agent = s.studio.sessions.start('worker');
    expect(agent.autostart).toBe(true);
    expect(s.studio.sessions.isRunning(worker.id)).toBe(true);
    const pid = s.studio.sessions.get(worker.id)!.pty.pid;
    await worker.waitForState('idle');
    expect(s.studio.agents.require('worker').state).toBe('idle');
    s.studio.sessions.start('worker');
    expect(s.studio.sessions.get(worker.id)!.pty.pid).toBe(pid);
    expect(s.studio.sessions.reading('worker')).toMatchObject({ state: 'idle', reading: { input: '' } });
  });

  it('refuses what it cannot start, saying why', async () => {
    const s = await studio({ claudeCommand: '/nonexistent/claude' });
    s.addRemoteAgent('remote1');
    expect(studioError(() => s.studio.sessions.start('remote1')).code).toBe('invalid');
    expect(studioError(() => s.studio.sessions.start('user')).code).toBe('invalid');
    expect(studioError(() => s.studio.sessions.start('nobody')).code).toBe('not_found');

    s.studio.agents.add({
      name: 'nocmd',
      profile: { kind: 'command', command: 'no-such-command-xyz', args: [] },
    });
    const missing = studioError(() => s.studio.sessions.start('nocmd'));
    expect(missing.code).toBe('unavailable');
    expect(missing.message).toMatch(/no-such-command-xyz.*not found/);

    s.studio.agents.add({
      name: 'nowhere',
      cwd: join(s.dataDir, 'does-not-exist'),
      profile: { kind: 'command', command: process.execPath, args: [] },
    });
    expect(studioError(() => s.studio.sessions.start('nowhere')).message).toMatch(/does not exist/);

    s.studio.agents.add({ name: 'claude1' });
    const noClaude = studioError(() => s.studio.sessions.start('claude1'));
    expect(noClaude.code).toBe('unavailable');
    expect(noClaude.message).toMatch(/npm install -g @anthropic-ai\/claude-code/);
    expect(s.studio.sessions.isRunning(s.studio.agents.require('claude1').id)).toBe(false);
  });

  it("gives a command its identity and a fresh token, without another Claude session's variables", async () => {
    const s = await studio({
      baseEnv: {
        ...process.env,
        CLAUDECODE: '1',
        CLAUDE_CODE_SESSION_ID: 'parent',
        CLAUDE_CODE_ENTRYPOINT: 'cli',
        KEEP_ME: 'yes',
      },
    });
    const dir = join(s.dataDir, 'envdump');
    mkdirSync(dir);
    const code =
      // What the agent and a child of it (its shell's commands) can see: no token in either environment.
      'const e = process.env; const child = require("child_process").execSync("env").toString(); const leaks = (JSON.stringify(e) + child).match(/ccs[ahu]?_[A-Za-z0-9_-]{8,}/g); process.stdout.write("ENV " + JSON.stringify({ agent: e.STUDIO_AGENT, url: e.STUDIO_MCP_URL, config: e.STUDIO_MCP_CONFIG, leaks, claudecode: e.CLAUDECODE ?? null, session: e.CLAUDE_CODE_SESSION_ID ?? null, entry: e.CLAUDE_CODE_ENTRYPOINT ?? null, keep: e.KEEP_ME, term: e.TERM, cwd: process.cwd() }) + " END\\n"); setInterval(() => {}, 1000)';
    const { agent } = s.studio.agents.add({
      name: 'envy',
      cwd: dir,
      profile: { kind: 'command', command: process.execPath, args: ['-e', code] },
    });
    const read = async () => {
      const text = await waitFor('the env dump', () =>
        /ENV (.*) END/.exec(s.studio.sessions.screen('envy').replace(/\n/g, '')),
      );
      const seen = JSON.parse(text[1]!) as Record<string, string | null> & { leaks: string[] | null };
      // The credential is in a private file the environment names, never in the environment.
      expect(seen.config).toBe(join(s.dataDir, 'agents', 'envy', 'mcp.json'));
      expect(statSync(seen.config!).mode & 0o777).toBe(0o600);
      const config = JSON.parse(readFileSync(seen.config!, 'utf8')) as {
        mcpServers: { studio: { url: string; headers: { Authorization: string } } };
      };
      expect(config.mcpServers.studio.url).toBe(s.http.url);
      return { ...seen, token: config.mcpServers.studio.headers.Authorization.replace('Bearer ', '') };
    };
    s.studio.sessions.start('envy');
    const first = await read();
    expect(first).toMatchObject({
      agent: 'envy',
      url: s.http.url,
      leaks: null,
      claudecode: null,
      session: null,
      entry: null,
      keep: 'yes',
      term: 'xterm-256color',
      cwd: dir,
    });
    expect(s.studio.agents.byToken(first.token!)?.id).toBe(agent.id);

    await s.studio.sessions.restart('envy');
    const second = await read();
    expect(second.token).not.toBe(first.token);
    expect(s.studio.agents.byToken(second.token!)?.id).toBe(agent.id);
    expect(s.studio.agents.byToken(first.token!)).toBeUndefined();
  });

  it("passes the person's keys through as they are and shows them on screen", async () => {
    const s = await studio();
    const worker = s.addFakeAgent('worker');
    await worker.start();
    s.studio.sessions.input('worker', 'typed by hand');
    await waitFor(
      'the draft',
      () => classifyScreen(s.studio.sessions.screen('worker')).input === 'typed by hand',
    );
    s.studio.sessions.input('worker', '\r');
    expect(await worker.waitForPrompts(1)).toEqual(['typed by hand']);
    // Raw: the person may send control keys and escapes; nothing is filtered or wrapped.
    s.studio.sessions.input('worker', '\u0015\u001b[A');
    await waitFor('raw keys', () => worker.logs.typed().endsWith('\u0015\u001b[A'));
    expect(worker.logs.typed()).toBe('typed by hand\r\u0015\u001b[A');
    expect(s.studio.sessions.wakeState(worker.id)?.personTypedAt).toBeGreaterThan(0);
  });

  it("types on the studio's behalf through the writer, sanitized and verified", async () => {
    const s = await studio();
    const worker = s.addFakeAgent('worker');
    await worker.start();
    const result = await s.studio.sessions.type(worker.id, 'hello\u0003\u001b[201~ world');
    expect(result).toMatchObject({ text: 'hello world', submitted: true });
    expect(worker.logs.typedFoldingEnterRetries()).toBe(PASTE_START + 'hello world' + PASTE_END + '\r');
    expect(s.studio.sessions.wakeState(worker.id)?.personTypedAt).toBe(0);
  });

  it('resizes the terminal (the program redraws at the new width) and rejects bad sizes', async () => {
    const s = await studio();
    const worker = s.addFakeAgent('worker');
    await worker.start();
    s.studio.sessions.resize('worker', 90, 20);
    await waitFor('a 90-column rule', () =>
      s.studio.sessions
        .screen('worker')
        .split('\n')
        .some((l) => l === '─'.repeat(90)),
    );
    expect(s.studio.sessions.screen('worker').split('\n')).toHaveLength(20);
    const bad = studioError(() => s.studio.sessions.resize('worker', 0, 20));
    expect(bad.code).toBe('invalid');
    // A restart keeps the size.
    await s.studio.sessions.restart('worker');
    expect(s.studio.sessions.get(worker.id)!.pty.size).toEqual({ cols: 90, rows: 20 });
  });

  it('gives a late viewer a snapshot that replays to the same screen, and live output after', async () => {
    const s = await studio();
    const worker = s.addFakeAgent('worker');
    await worker.start();
    await s.studio.sessions.type(worker.id, 'something to show');
    await worker.waitForState('idle');
    await s.studio.sessions.get(worker.id)!.pty.mirror.settled();
    const snap = await s.studio.sessions.snapshot('worker');
    expect(snap).toMatchObject({ cols: 120, rows: 36 });
    const viewer = new ScreenMirror(snap.cols, snap.rows);
    try {
      viewer.write(snap.data);
      await viewer.settled();
      expect(viewer.text()).toBe(s.studio.sessions.screen('worker'));
      expect(viewer.bracketedPaste).toBe(true);

      const live: string[] = [];
      const sub = s.studio.sessions.onDidOutput((e) => {
        if (e.agentId === worker.id) {
          live.push(e.data);
          viewer.write(e.data);
        }
      });
      const consumer = s.studio.sessions.addConsumer(worker.id)!;
      s.studio.sessions.input('worker', 'more');
      await waitFor('live output', async () => {
        await viewer.settled();
        return classifyScreen(viewer.text()).input === 'more';
      });
      consumer.ack(live.join('').length);
      consumer.dispose();
      sub.dispose();
    } finally {
      viewer.dispose();
    }
  });

  it('sends menu keys and refuses anything else with an invalid error', async () => {
    const s = await studio();
    const worker = s.addFakeAgent('worker', { permission: true });
    await worker.start();
    await s.studio.sessions.type(worker.id, 'perm now');
    await worker.waitForState('waiting_permission');
    expect(studioError(() => s.studio.sessions.keys('worker', ['y'])).code).toBe('invalid');
    await holdsFor('nothing sent', () => !worker.logs.typed().endsWith('y'), 200);
    s.studio.sessions.keys('worker', ['1']);
    await waitFor('the turn to end', () => s.studio.sessions.screen('worker').includes('● ok: perm now'));
  });

  it('shows an exited agent as exited; its terminal refuses input until restarted', async () => {
    const s = await studio();
    const worker = s.addFakeAgent('worker');
    await worker.start();
    process.kill(s.studio.sessions.get(worker.id)!.pty.pid!, 'SIGKILL');
    await worker.waitForState('exited');
    expect(s.studio.sessions.isRunning(worker.id)).toBe(false);
    expect(studioError(() => s.studio.sessions.input('worker', 'x')).code).toBe('unavailable');
    await expect(s.studio.sessions.type(worker.id, 'x')).rejects.toMatchObject({ code: 'unavailable' });
    // The screen stays readable.
    expect(s.studio.sessions.screen('worker')).toContain('❯');
    await s.studio.sessions.restart('worker');
    await worker.waitForState('idle');
    s.studio.sessions.input('worker', 'back\r');
    expect(await worker.waitForPrompts(1)).toEqual(['back']);
  });

  it('stop() clears autostart; startSaved() brings back only agents left running; shutdown keeps it', async () => {
    const s = await studio();
    const a = s.addFakeAgent('a1');
    const b = s.addFakeAgent('b1');
    await Promise.all([a.start(), b.start()]);
    await s.studio.sessions.stop('b1');
    await b.waitForState('exited');
    expect(s.studio.agents.require('b1').autostart).toBe(false);
    expect(s.studio.agents.require('a1').autostart).toBe(true);

    // Restarting the studio's terminals: only a1 comes back.
    await s.studio.sessions.stop('a1');
    s.studio.agents.setLaunch(a.id, { autostart: true });
    // It says what became of each: a1 came up to its prompt.
    expect(await s.studio.sessions.startSaved()).toEqual([{ name: 'a1', ready: true }]);
    expect(s.studio.agents.require('a1').state).toBe('idle');
    expect(s.studio.sessions.isRunning(b.id)).toBe(false);
  });

  it('refuses a Claude Code older than the oldest supported, naming the range; records the version it runs', async () => {
    const s = await studio({ baseEnv: { ...process.env, FAKE_VERSION: '2.0.49' } });
    const old = s.addFakeAgent('old', { profile: 'claude' });
    await expect(s.studio.service.startAgent('old')).rejects.toThrow(
      /old was not started: Claude Code 2\.0\.49 is older than the studio supports \(2\.0\.50 and newer; tested with .*\)\. Update it/,
    );
    expect(s.studio.sessions.isRunning(old.id)).toBe(false);
    const t2 = await startFakeAgentStudio();
    try {
      t2.addFakeAgent('ok', { profile: 'claude' });
      await t2.studio.service.startAgent('ok');
      expect(t2.studio.agents.require('ok').cliVersion).toBe('2.1.63');
    } finally {
      await t2.close();
    }
  });

  it('a start still asking its CLI for the version when the studio closes opens no terminal', async () => {
    const own = await startFakeAgentStudio();
    own.addFakeAgent('late', { profile: 'claude' });
    const starting = own.studio.service.startAgent('late');
    await own.close();
    await expect(starting).rejects.toThrow(/shutting down/);
    expect(own.studio.sessions.get(own.studio.agents.require('late').id)).toBeUndefined();
  });

  it('answers SessionStart after /clear with the role prompt, and passes hooks to the tracker', async () => {
    const s = await studio();
    const { agent } = s.studio.agents.add({
      name: 'roley',
      rolePrompt: 'You review pull requests.',
      profile: { kind: 'command', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] },
    });
    expect(s.studio.answerHook(agent, { hook_event_name: 'SessionStart', source: 'clear' })).toEqual({
      hookSpecificOutput: {
        hookEventName: 'SessionStart',
        additionalContext: 'Claude Code Studio: you are roley. Your role: You review pull requests.',
      },
    });
    expect(s.studio.answerHook(agent, { hook_event_name: 'SessionStart', source: 'startup' })).toEqual({});
    expect(s.studio.answerHook(agent, { hook_event_name: 'Stop', stop_hook_active: false })).toEqual({});
  });

  it('remove() stops the terminal and forgets it', async () => {
    const s = await studio();
    const worker = s.addFakeAgent('worker');
    await worker.start();
    const pid = s.studio.sessions.get(worker.id)!.pty.pid!;
    await s.studio.sessions.remove(worker.agent());
    expect(s.studio.sessions.get(worker.id)).toBeUndefined();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
