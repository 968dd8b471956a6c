import { afterEach, describe, expect, it } from 'vitest';
import { createPipeClient, type PipeFromStudio, type PipeToStudio } from '../../../../main/contract/pipe.js';
import type { TerminalOutput } from '../../../../main/contract/service.js';
import { servePipe } from '../../../../main/core/pipe/servePipe.js';
import type { PtyProcess, SpawnPty } from '../../../../main/core/sessions/ptySession.js';
import { createStudio } from '../../../../main/core/studio.js';
import { FakeClock } from '../../../support/fakeClock.js';
import xtermHeadless from '@xterm/headless';
import { startFakeAgentStudio, type FakeAgentStudio } from '../../../support/fakeAgentStudio.js';
import { memoryPipePair } from '../../../support/memoryPipe.js';
import { waitFor } from '../../../support/waitFor.js';

const { Terminal } = xtermHeadless;

let s: FakeAgentStudio | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A terminal (the PTY turns \n into \r\n) that prints numbered lines, `perTick` every millisecond or so, until it has printed `count`. */
function addCounter(studio: FakeAgentStudio, name: string, count: number, perTick = count) {
  const script = `let i=0;const w=()=>{const end=Math.min(${count},i+${perTick});while(i<end){if(!process.stdout.write('line '+(i++)+'\\n'))return process.stdout.once('drain',w);}if(i<${count})setTimeout(w,1);};w();setInterval(()=>{},1000);`;
  return studio.studio.agents.add({
    name,
    cwd: process.cwd(),
    profile: { kind: 'command', command: process.execPath, args: ['-e', script] },
  }).agent;
}

function connect(studio: FakeAgentStudio) {
  const pair = memoryPipePair<PipeToStudio, PipeFromStudio>();
  servePipe(studio.studio, pair.right);
  return { client: createPipeClient(pair.left), pair };
}

/** What a viewer drew: the snapshot, then each output chunk, through a real xterm parser. */
function viewerOf(client: ReturnType<typeof createPipeClient>, agentId: number) {
  const outputs: TerminalOutput[] = [];
  client.onDidOutput((o) => {
    if (o.agentId !== agentId || o.snapshot) return;
    outputs.push(o);
    client.ackOutput(o.agentId, o.data.length);
  });
  return outputs;
}

/** A PTY the test feeds by hand, so output can sit in the studio's batch while a viewer attaches. */
function handPty() {
  const listeners: Array<(d: string) => void> = [];
  const exits: Array<(e: { exitCode: number }) => void> = [];
  const pty: PtyProcess = {
    pid: 4242,
    write: () => {},
    resize: () => {},
    kill: () => queueMicrotask(() => exits.forEach((l) => l({ exitCode: 0 }))),
    pause: () => {},
    resume: () => {},
    onData: (l) => (listeners.push(l), { dispose: () => {} }),
    onExit: (l) => (exits.push(l), { dispose: () => {} }),
  };
  return { spawn: (() => pty) as SpawnPty, emit: (d: string) => listeners.forEach((l) => l(d)) };
}

describe('terminals over the pipe', () => {
  it('output already in the snapshot but not yet sent is not sent again', async () => {
    const clock = new FakeClock();
    const hand = handPty();
    const studio = createStudio({
      databaseFile: ':memory:',
      clock,
      terminals: { spawnPty: hand.spawn, hookCommand: 'true' },
    });
    try {
      const { agent } = studio.agents.add({
        name: 'hand',
        cwd: process.cwd(),
        profile: { kind: 'command', command: process.execPath, args: [] },
      });
      studio.sessions.start('hand');
      const pair = memoryPipePair<PipeToStudio, PipeFromStudio>();
      servePipe(studio, pair.right);
      const client = createPipeClient(pair.left);
      const outputs: TerminalOutput[] = [];
      client.onDidOutput((o) => !o.snapshot && outputs.push(o));
      hand.emit('one\r\n');
      // 'one' is parsed into the screen but still waits in the 16 ms batch.
      const snap = await client.attachTerminal('hand');
      expect(snap.data).toContain('one');
      hand.emit('two\r\n');
      clock.advance(20);
      await waitFor('live output', () => outputs.length > 0);
      expect(outputs.map((o) => o.data).join('')).toBe('two\r\n');
      expect(agent.id).toBe(snap.agentId);
    } finally {
      await studio.close();
    }
  });

  it('attaching mid-flood neither drops nor repeats a line', async () => {
    s = await startFakeAgentStudio();
    const total = 5000;
    const agent = addCounter(s, 'counter', total, 5);
    const { client } = connect(s);
    const outputs = viewerOf(client, agent.id);
    s.studio.sessions.start('counter');
    // Attach while the flood is under way.
    await waitFor(
      'some output',
      () => (s!.studio.sessions.get(agent.id)?.pty.mirror.writtenChars ?? 0) > 2000,
    );
    const snap = await client.attachTerminal('counter');
    expect(snap).toMatchObject({ agentId: agent.id, name: 'counter', running: true });
    const last = `line ${total - 1}\r\n`;
    await waitFor(
      'all lines',
      () =>
        outputs
          .map((o) => o.data)
          .join('')
          .includes(last),
      {
        timeoutMs: 20_000,
        describe: () => `${outputs.length} chunks, ending ${JSON.stringify(outputs.at(-1)?.data.slice(-40))}`,
      },
    );
    // Draw it as a tile would: the snapshot, then every chunk, in one terminal.
    const term = new Terminal({
      cols: snap.cols,
      rows: snap.rows,
      scrollback: total + 100,
      allowProposedApi: true,
    });
    try {
      for (const chunk of [snap.data, ...outputs.map((o) => o.data)])
        await new Promise<void>((r) => term.write(chunk, r));
      const lines: string[] = [];
      const buffer = term.buffer.active;
      for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)!.translateToString(true));
      const numbers = lines.filter((l) => l.startsWith('line ')).map((l) => Number(l.slice(5)));
      expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(outputs.length).toBeGreaterThan(1);
    } finally {
      term.dispose();
    }
  });

  it('passes keys and sizes through, and follows a restart with a reset', async () => {
    s = await startFakeAgentStudio();
    const fake = s.addFakeAgent('worker');
    await fake.start();
    const { client } = connect(s);
    const outputs = viewerOf(client, fake.id);
    await client.attachTerminal('worker');
    await client.resizeTerminal('worker', 100, 30);
    expect(s.studio.sessions.get(fake.id)!.pty.size).toEqual({ cols: 100, rows: 30 });
    await client.terminalInput('worker', 'hello');
    await waitFor('echo', () =>
      outputs
        .map((o) => o.data)
        .join('')
        .includes('hello'),
    );
    expect(fake.logs.typed()).toContain('hello');
    await client.restartAgent('worker');
    await waitFor('reset after restart', () => outputs.some((o) => o.reset));
    await fake.waitForState('idle');
  });

  it('refuses bad terminal calls with a clear error and changes nothing', async () => {
    s = await startFakeAgentStudio();
    const fake = s.addFakeAgent('worker');
    await fake.start();
    const { client } = connect(s);
    await expect(client.attachTerminal('ghost')).rejects.toMatchObject({ code: 'not_found' });
    await expect(client.resizeTerminal('worker', 0, 10)).rejects.toMatchObject({ code: 'invalid' });
    await expect(client.resizeTerminal('worker', 1e9, 10)).rejects.toMatchObject({ code: 'invalid' });
    await expect(client.terminalInput('worker', '')).rejects.toMatchObject({ code: 'invalid' });
    await expect(client.terminalInput('worker', 'x'.repeat(300_000))).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(
      (client.attachTerminal as (...a: unknown[]) => Promise<unknown>)({ name: 'x' }),
    ).rejects.toMatchObject({
      code: 'invalid',
    });
    expect(fake.logs.typed()).toBe('');
    expect(s.studio.sessions.get(fake.id)!.pty.size).toEqual({ cols: 120, rows: 36 });
  });

  it('a viewer that stops acknowledging pauses the agent; detaching lets it run again', async () => {
    s = await startFakeAgentStudio();
    const agent = addCounter(s, 'flood', 1_000_000);
    const { client } = connect(s);
    s.studio.sessions.start('flood');
    await client.attachTerminal('flood');
    const pty = s.studio.sessions.get(agent.id)!.pty;
    await waitFor('paused by the silent viewer', () => pty.isPaused, { timeoutMs: 10_000 });
    await client.detachTerminal('flood');
    await waitFor('resumed', () => !pty.isPaused);
  });
});
