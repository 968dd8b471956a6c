import { describe, expect, it } from 'vitest';
import { createPipeClient, type PipeFromStudio, type PipeToStudio } from '../../main/contract/pipe.js';
import type { TerminalOutput } from '../../main/contract/service.js';
import { takeTab, type Grant } from '../../renderer/src/pipe/connect.js';
import { memoryPipePair } from '../support/memoryPipe.js';

/** The window's end of a pipe whose studio end the test plays by hand. */
function scripted() {
  const pair = memoryPipePair<PipeToStudio, PipeFromStudio>();
  const sent: PipeToStudio[] = [];
  pair.right.onMessage((m) => sent.push(m));
  const client = createPipeClient(pair.left);
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { client, sent, studio: pair.right, close: pair.close, tick };
}

/** This tab's storage, its history and a location, as the browser gives them to takeTab. */
function pageStubs() {
  const store = new Map<string, string>();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  } as Storage;
  const replaced: string[] = [];
  const history = {
    replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url),
  } as History;
  const at = (href: string) => ({ href }) as Location;
  return { store, storage, replaced, history, at };
}

describe('the renderer side of the pipe', () => {
  it('hands a tile its snapshot in wire order: after the old output, before the live output', async () => {
    const { client, sent, studio, tick } = scripted();
    const seen: TerminalOutput[] = [];
    client.onDidOutput((o) => seen.push(o));
    const attached = client.attachTerminal('ann');
    await tick();
    const call = sent[0] as Extract<PipeToStudio, { kind: 'call' }>;
    expect(call).toMatchObject({ kind: 'call', method: 'attachTerminal', params: ['ann'] });
    studio.send({ kind: 'output', agentId: 2, data: 'old' });
    studio.send({
      kind: 'result',
      id: call.id,
      result: { agentId: 2, name: 'ann', data: 'SCREEN', cols: 80, rows: 24, running: true },
    });
    studio.send({ kind: 'output', agentId: 2, data: 'live' });
    await attached;
    await tick();
    expect(seen).toEqual([
      { agentId: 2, data: 'old' },
      { agentId: 2, data: 'SCREEN', reset: true, snapshot: { cols: 80, rows: 24 } },
      { agentId: 2, data: 'live' },
    ]);
  });

  it('acknowledges drawn output without waiting for an answer, and never for nothing', async () => {
    const { client, sent, tick } = scripted();
    client.ackOutput(2, 0);
    client.ackOutput(2, 1500);
    await tick();
    expect(sent).toEqual([{ kind: 'ack', agentId: 2, chars: 1500 }]);
  });

  it('delivers shell commands and fails pending calls when the pipe closes', async () => {
    const { client, studio, close, tick } = scripted();
    const commands: unknown[] = [];
    client.onDidCommand((c) => commands.push(c));
    studio.send({ kind: 'command', command: { type: 'newTask' } });
    await tick();
    expect(commands).toEqual([{ type: 'newTask' }]);
    const pending = client.listAgents();
    close();
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
  });

  /** A studio that trades ccsu_good and each code once for a new session. */
  function studioExchange() {
    const traded: Grant[] = [];
    const used = new Set<string>();
    let next = 1;
    const exchange = async (grant: Grant) => {
      traded.push(grant);
      const ok =
        'token' in grant
          ? grant.token === 'ccsu_good'
          : grant.code.startsWith('ccsc_') && !used.has(grant.code);
      if ('code' in grant) used.add(grant.code);
      return ok ? { session: `ccst_${next}`, id: next++ } : { error: 'This one-time link was used already.' };
    };
    return { traded, exchange };
  }

  it("trades the printed link's UI token for this tab's own session, and keeps only the session", async () => {
    const { store, storage, replaced, history, at } = pageStubs();
    const { traded, exchange } = studioExchange();
    expect(
      await takeTab(at('http://127.0.0.1:47100/?token=ccsu_good&x=1#t'), storage, history, exchange),
    ).toEqual({
      session: 'ccst_1',
      id: 1,
    });
    expect(replaced).toEqual(['/?x=1#t']);
    expect([...store.values()].join()).not.toContain('ccsu_good');
    // A reload (or a restart of the studio) reuses it without trading anything.
    expect(await takeTab(at('http://127.0.0.1:47100/'), storage, history, exchange)).toEqual({
      session: 'ccst_1',
      id: 1,
    });
    expect(traded).toEqual([{ token: 'ccsu_good' }]);
    store.clear();
    expect(await takeTab(at('http://127.0.0.1:47100/'), storage, history, exchange)).toBeNull();
  });

  it('trades a one-time code from the fragment (or an older query) once, and takes it out of the address bar', async () => {
    const { store, storage, replaced, history, at } = pageStubs();
    const { traded, exchange } = studioExchange();
    expect(await takeTab(at('http://127.0.0.1:47100/#code=ccsc_a'), storage, history, exchange)).toEqual({
      session: 'ccst_1',
      id: 1,
    });
    expect(replaced).toEqual(['/']);
    store.clear();
    expect(await takeTab(at('http://127.0.0.1:47100/?code=ccsc_b#x=1'), storage, history, exchange)).toEqual({
      session: 'ccst_2',
      id: 2,
    });
    expect(replaced).toEqual(['/', '/#x=1']);
    store.clear();
    // Used already: the studio's reason is what the page says.
    expect(await takeTab(at('http://127.0.0.1:47100/#code=ccsc_a'), storage, history, exchange)).toEqual({
      error: 'This one-time link was used already.',
    });
    expect(traded).toEqual([{ code: 'ccsc_a' }, { code: 'ccsc_b' }, { code: 'ccsc_a' }]);
  });

  it('a page from before tab sessions left the UI token in storage: it is traded once and dropped', async () => {
    const { store, storage, history, at } = pageStubs();
    const { exchange } = studioExchange();
    store.set('ccstudio.uiToken', 'ccsu_good');
    expect(await takeTab(at('http://127.0.0.1:47100/'), storage, history, exchange)).toEqual({
      session: 'ccst_1',
      id: 1,
    });
    expect(store.has('ccstudio.uiToken')).toBe(false);
  });
});
