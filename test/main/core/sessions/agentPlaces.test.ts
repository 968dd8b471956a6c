import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../../../main/contract/errors.js';
import type { Agent } from '../../../../main/contract/model.js';
import type { AgentPlace, PlacedLaunch } from '../../../../main/core/sessions/agentPlace.js';
import { AgentSessions } from '../../../../main/core/sessions/agentSessions.js';
import type { HookCredential } from '../../../../main/core/sessions/hookTokens.js';
import { LocalPlace } from '../../../../main/core/sessions/localPlace.js';
import { RECONNECT_BACKOFF_MS } from '../../../../main/core/sessions/restartSupervisor.js';
import { SshPlace } from '../../../../main/core/sessions/sshPlace.js';
import { TerminalWriter } from '../../../../main/core/sessions/terminalWriter.js';
import { SshError } from '../../../../main/core/remote/sshLink.js';
import { RemoteSetupError } from '../../../../main/core/remote/remoteLaunch.js';
import { systemClock } from '../../../../main/core/util/clock.js';
import { silentLogger } from '../../../../main/core/util/logger.js';
import { spawnPty } from '../../../support/fakeAgentStudio.js';
import { tempDir } from '../../../support/studioHarness.js';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import { waitFor } from '../../../support/waitFor.js';

// The seam between the session manager and where an agent's process runs: the manager drives a
// place of the test's own (real PTYs, a real registry on disk) without knowing what it is, and
// each real place keeps its own rules.

/** Runs until killed, printing a prompt-like line: a program that started. */
const STAYS_UP = 'process.stdout.write("up\\r\\n"); setInterval(() => {}, 1000)';

/** A launch of a plain program that stays up until it is stopped, as a place prepares one. */
function staysUp(hook: HookCredential, host?: string): PlacedLaunch {
  return {
    launch: {
      command: process.execPath,
      args: ['-e', STAYS_UP],
      env: { ...process.env } as Record<string, string>,
    },
    flavor: 'plain',
    spawnCwd: tempDir('ccstudio-place-'),
    hookTokenHash: hook.hash,
    ...(host ? { host } : {}),
  };
}

let studio: StudioWithParts | undefined;
let sessions: AgentSessions | undefined;
afterEach(async () => {
  await sessions?.shutdown();
  await studio?.close();
  sessions = undefined;
  studio = undefined;
});

/** A place far away whose link the test can drop: a process it "runs there" is a local one here. */
class TestPlace implements AgentPlace {
  prepared = 0;
  /** Errors the next prepares throw, in order. */
  failures: unknown[] = [];
  dropped = false;
  hooks: HookCredential[] = [];
  /** Held open by the test: prepare waits on it. */
  gate: Promise<void> = Promise.resolve();

  async prepare(_agent: Agent, hook: HookCredential, goOn: () => void): Promise<PlacedLaunch> {
    this.prepared++;
    this.hooks.push(hook);
    await this.gate;
    goOn();
    const failure = this.failures.shift();
    if (failure) throw failure;
    return staysUp(hook, 'far.example');
  }
  async linkLost(): Promise<string | undefined> {
    return this.dropped ? 'The link to far.example dropped.' : undefined;
  }
  passing(err: unknown): boolean {
    return !(err instanceof RemoteSetupError);
  }
  trustedNow(): boolean {
    return false;
  }
  forgotten: string[] = [];
  async forget(agent: Pick<Agent, 'name'>): Promise<void> {
    this.forgotten.push(agent.name);
  }
}

function setup(place: AgentPlace) {
  studio = createStudioWithParts({ dataDir: tempDir('ccstudio-places-') });
  const agents = studio.agents;
  sessions = new AgentSessions({
    agents,
    clock: systemClock,
    logger: silentLogger,
    spawnPty,
    writer: new TerminalWriter({ clock: systemClock, logger: silentLogger }),
    places: { placeFor: () => place, close: async () => {} },
  });
  const agent = agents.add({ name: 'far', profile: { kind: 'command', command: 'unused', args: [] } }).agent;
  return { agents, sessions, agent };
}

describe('the session manager and a place of its own', () => {
  it("opens the terminal on what the place prepared and takes the place's hook credential", async () => {
    const place = new TestPlace();
    const { sessions, agent } = setup(place);
    const { agent: started } = await sessions.startSettled('far');
    expect(started.autostart).toBe(true);
    expect(sessions.isRunning(agent.id)).toBe(true);
    expect(sessions.agentForHookToken(place.hooks[0]!.token)?.name).toBe('far');
    // A place that must prepare is never opened at once.
    await sessions.stop('far');
    expect(() => sessions.start('far')).toThrow(/start it with startSettled/);
  });

  it('reconnects when the place says its link dropped, with backoff, and the hook credential dies with the process', async () => {
    const place = new TestPlace();
    const { sessions, agents, agent } = setup(place);
    await sessions.startSettled('far');
    const firstHook = place.hooks[0]!;
    place.dropped = true;
    process.kill(sessions.get(agent.id)!.pty.pid!, 'SIGKILL');
    await waitFor('far to be reconnecting', () => agents.require('far').state === 'reconnecting');
    expect(agents.require('far').lastExit?.advice).toMatch(
      /far\.example dropped\. The studio is reconnecting \(try 1\)/,
    );
    expect(sessions.agentForHookToken(firstHook.token)).toBeUndefined();
    place.dropped = false;
    await waitFor('far to be back', () => sessions.isRunning(agent.id), {
      timeoutMs: RECONNECT_BACKOFF_MS[0]! + 5_000,
    });
    expect(place.prepared).toBe(2);
    await waitFor('the drop to be history', () => agents.require('far').lastExit === null);
  });

  it('tries a place that is away again at the studio start, and shows a final failure on the tile', async () => {
    const place = new TestPlace();
    const { sessions, agents, agent } = setup(place);
    agents.setLaunch(agent.id, { autostart: true });
    place.failures = [new StudioError('unavailable', 'far.example is away.')];
    const [outcome] = await sessions.startSaved();
    expect(outcome?.error).toMatch(/away/);
    expect(agents.require('far').state).toBe('reconnecting');
    await waitFor('far to be started on the next try', () => sessions.isRunning(agent.id), {
      timeoutMs: 6_000,
    });
    await sessions.stop('far');
    place.failures = [new RemoteSetupError('unavailable', 'No Claude Code on far.example.')];
    await expect(sessions.startSettled('far')).rejects.toThrow(/No Claude Code/);
    expect(agents.require('far').lastExit).toMatchObject({
      gaveUp: true,
      advice: 'No Claude Code on far.example.',
    });
  });

  it('a stop while the place prepares opens no terminal; a removal lets the place forget the agent', async () => {
    const place = new TestPlace();
    const { sessions, agent } = setup(place);
    let open!: () => void;
    place.gate = new Promise((resolve) => (open = resolve));
    const starting = sessions.startSettled('far');
    await waitFor('the place to be preparing', () => place.prepared === 1);
    await sessions.stop('far');
    open();
    await expect(starting).rejects.toThrow(/stopped while its start was prepared/);
    expect(sessions.hasTerminal(agent.id)).toBe(false);
    await sessions.remove(agent);
    expect(place.forgotten).toEqual(['far']);
  });
  it('a start being prepared never replaces a terminal opened meanwhile, nor builds a launch for it', async () => {
    // A place that can also open at once (as this machine can): the studio's own restart uses that.
    class NearPlace extends TestPlace {
      launched = 0;
      readonly launchNow = (agent: Agent, hook: HookCredential): PlacedLaunch => {
        this.launched++;
        return staysUp(hook, agent.ssh?.dest);
      };
      override async prepare(agent: Agent, hook: HookCredential, goOn: () => void): Promise<PlacedLaunch> {
        this.prepared++;
        await this.gate;
        goOn();
        return this.launchNow(agent, hook);
      }
    }
    const place = new NearPlace();
    const { sessions, agent } = setup(place);
    let open!: () => void;
    place.gate = new Promise((resolve) => (open = resolve));
    const starting = sessions.startSettled('far');
    await waitFor('the place to be preparing', () => place.prepared === 1);
    // Meanwhile a terminal opens at once (the studio's own restart does this).
    sessions.start('far');
    const pid = sessions.get(agent.id)!.pty.pid;
    open();
    const outcome = await starting;
    expect(outcome.agent.name).toBe('far');
    expect(sessions.get(agent.id)!.pty.pid).toBe(pid);
    expect(place.launched).toBe(1);
  });
});

describe('LocalPlace', () => {
  const local = (over: Partial<ConstructorParameters<typeof LocalPlace>[0]> = {}) => {
    studio = createStudioWithParts({ dataDir: tempDir('ccstudio-local-place-') });
    const launchDir = tempDir('ccstudio-launch-');
    const place = new LocalPlace({
      agents: studio.agents,
      clock: systemClock,
      logger: silentLogger,
      launchDir,
      privateDirs: [launchDir],
      urls: {
        base: 'http://127.0.0.1:9',
        mcp: 'http://127.0.0.1:9/mcp',
        hooks: 'http://127.0.0.1:9/hooks',
      } as never,
      hookCommand: 'true',
      ...over,
    });
    return { place, agents: studio.agents, launchDir };
  };
  const hook: HookCredential = { token: 'ccsh_test', hash: 'h' };

  it('gives a command agent its MCP credential in a private file, never in its environment', () => {
    const { place, agents, launchDir } = local();
    const cwd = tempDir('ccstudio-cmd-');
    const agent = agents.add({
      name: 'cmd',
      cwd,
      profile: { kind: 'command', command: 'node', args: [] },
    }).agent;
    const placed = place.launchNow(agent, hook);
    expect(placed).toMatchObject({ flavor: 'plain', spawnCwd: cwd });
    expect(placed.hookTokenHash).toBeUndefined();
    const config = placed.launch.env.STUDIO_MCP_CONFIG!;
    expect(config.startsWith(join(launchDir, 'agents', 'cmd'))).toBe(true);
    expect(existsSync(config)).toBe(true);
    const secret = JSON.parse(readFileSync(config, 'utf8')) as unknown;
    expect(JSON.stringify(placed.launch.env)).not.toContain(JSON.stringify(secret).slice(-20));
  });

  it('says what is missing: a folder, a command', () => {
    const { place, agents } = local();
    const gone = agents.add({
      name: 'gone',
      cwd: '/nonexistent/ccstudio',
      profile: { kind: 'command', command: 'node', args: [] },
    }).agent;
    expect(() => place.launchNow(gone, hook)).toThrow(
      /working folder \/nonexistent\/ccstudio does not exist/,
    );
    const none = agents.add({
      name: 'none',
      cwd: tempDir(),
      profile: { kind: 'command', command: 'no-such-program-ccstudio', args: [] },
    }).agent;
    expect(() => place.launchNow(none, hook)).toThrow(/"no-such-program-ccstudio" was not found on PATH/);
  });

  it('goes no further once its start is called off', async () => {
    const { place, agents } = local();
    const agent = agents.add({
      name: 'off',
      cwd: tempDir(),
      profile: { kind: 'command', command: 'node', args: [] },
    }).agent;
    await expect(
      place.prepare(agent, hook, () => {
        throw new StudioError('unavailable', 'called off');
      }),
    ).rejects.toThrow(/called off/);
    expect(agents.require('off').lastExit).toBeNull();
  });

  it('never loses a link, and leaves nothing to retry by itself', async () => {
    const { place } = local();
    expect(await place.linkLost()).toBeUndefined();
    expect(place.passing()).toBe(false);
  });
});

describe('SshPlace', () => {
  it('without connections (a studio that does not listen) says so', async () => {
    studio = createStudioWithParts({ dataDir: tempDir('ccstudio-ssh-place-') });
    const place = new SshPlace({ agents: studio.agents, links: undefined, studioKey: 'k' });
    const agent = studio.agents.add({
      name: 'r',
      ssh: { dest: 'me@far' },
      cwd: '/w',
      profile: { kind: 'claude' },
    }).agent;
    await expect(place.prepare(agent, { token: 't', hash: 'h' }, () => {})).rejects.toThrow(/no listener/);
    expect(await place.linkLost(agent, { code: 255, signal: null, at: 0 })).toBeUndefined();
    expect(place.trustedNow()).toBe(false);
  });

  it('retries what may pass, not what only the person can mend', () => {
    studio = createStudioWithParts({ dataDir: tempDir('ccstudio-ssh-place-') });
    const place = new SshPlace({ agents: studio.agents, links: undefined, studioKey: 'k' });
    expect(place.passing(new SshError('timed out', 'unreachable'))).toBe(true);
    expect(place.passing(new SshError('refused', 'login'))).toBe(false);
    expect(place.passing(new SshError('key', 'hostkey'))).toBe(false);
    expect(place.passing(new RemoteSetupError('unavailable', 'no claude'))).toBe(false);
  });
});
