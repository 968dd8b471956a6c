import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callJson, callText, startTestStudio, type TestStudio } from '../support/studioHarness.js';
import { rawRequest } from '../support/rawHttp.js';

let t: TestStudio;
let lead: string;
let dev: string;
beforeEach(async () => {
  t = await startTestStudio();
  lead = t.studio.agents.add({ name: 'lead', commander: true }).token;
  dev = t.addAgent('dev');
});
afterEach(() => t.close());

describe('terminal tools without a terminal', () => {
  it('peer_state reports a remote agent by what it last said, with no terminal', async () => {
    const c = await t.connect(lead);
    expect(await callJson(c, 'peer_state', { name: 'dev' })).toEqual({
      name: 'dev',
      state: 'unknown',
      terminal: false,
    });
  });

  it('read_peer, kick and respond say plainly that there is no terminal', async () => {
    const c = await t.connect(lead);
    await expect(callText(c, 'read_peer', { name: 'dev' })).rejects.toThrow(/no terminal running/);
    await expect(callText(c, 'kick', { name: 'dev' })).rejects.toThrow(/no running terminal/);
    await expect(callText(c, 'respond', { name: 'dev', option: 1 })).rejects.toThrow(/no terminal running/);
  });

  it("only the commander (or the person) may answer another agent's prompt", async () => {
    const c = await t.connect(dev);
    await expect(callText(c, 'respond', { name: 'lead', option: 1 })).rejects.toThrow(/Only the commander/);
    await expect(callText(c, 'respond', { name: 'lead', keys: ['\u0003'] })).rejects.toThrow(
      /Only the commander/,
    );
  });
});

describe('role prompts', () => {
  it("an agent sets and reads its own; only the commander sets another's", async () => {
    const d = await t.connect(dev);
    const l = await t.connect(lead);
    expect(await callText(d, 'get_prompt')).toBe('dev has no role prompt.');
    await callText(d, 'set_prompt', { text: 'Write the migrations.' });
    expect(await callText(l, 'get_prompt', { name: 'dev' })).toBe('Write the migrations.');
    await expect(callText(d, 'set_prompt', { text: 'x', name: 'lead' })).rejects.toThrow(
      /Only the commander/,
    );
    await callText(l, 'set_prompt', { text: 'Review everything.', name: 'dev' });
    expect(t.studio.agents.require('dev').rolePrompt).toBe('Review everything.');
    await expect(callText(d, 'set_prompt', { text: 'x'.repeat(8001) })).rejects.toThrow();
  });
});

describe('/hooks', () => {
  const hooks = () => t.http.url.replace('/mcp', '/hooks');
  it('takes hook JSON from an agent and answers SessionStart after /clear with its role prompt', async () => {
    t.studio.agents.setLaunch(t.studio.agents.require('dev').id, { rolePrompt: 'Own the parser.' });
    const post = (token: string, body: unknown) =>
      rawRequest(hooks(), {
        body: JSON.stringify(body),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    const clear = await post(dev, { hook_event_name: 'SessionStart', source: 'clear' });
    expect(clear.status).toBe(200);
    expect(JSON.parse(clear.body).additionalContext).toMatch(/you are dev\. Your role: Own the parser\./);
    const startup = await post(dev, { hook_event_name: 'SessionStart', source: 'startup' });
    expect(JSON.parse(startup.body)).toEqual({});
    expect((await post('ccs_wrong', { hook_event_name: 'Stop' })).status).toBe(401);
    expect((await post(dev, ['not', 'an', 'object'])).status).toBe(400);
  });
});

describe('starting agents', () => {
  it('says plainly when claude is not installed, and when a command is missing', async () => {
    await t.close();
    const { createStudio } = await import('../../main/core/studio.js');
    const { tempDir } = await import('../support/studioHarness.js');
    const studio = createStudio({
      dataDir: tempDir(),
      terminals: {
        spawnPty: () => {
          throw new Error('never spawned');
        },
        hookCommand: 'true',
        claudeCommand: 'claude-is-not-installed-here',
      },
    });
    try {
      studio.agents.add({ name: 'a' });
      expect(() => studio.sessions.start('a')).toThrow(/npm install -g @anthropic-ai\/claude-code/);
      studio.agents.add({
        name: 'b',
        profile: { kind: 'command', command: 'no-such-program-xyz', args: [] },
      });
      expect(() => studio.sessions.start('b')).toThrow(/"no-such-program-xyz" was not found/);
      studio.agents.add({ name: 'r', remote: true });
      expect(() => studio.sessions.start('r')).toThrow(/runs elsewhere/);
    } finally {
      await studio.close();
    }
    t = await startTestStudio();
  });
});
