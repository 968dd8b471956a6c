import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callJson, callText, startTestStudio, type TestStudio } from '../../support/studioHarness.js';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawRequest } from '../../support/rawHttp.js';
import { MAX_ANSWER_BYTES, MAX_UNREAD_FROM_ONE_SENDER } from '../../../main/contract/limits.js';
import { startFakeAgentStudio } from '../../support/fakeAgentStudio.js';
import { waitFor } from '../../support/waitFor.js';

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
    // dev runs on another machine: starting it would not give it a terminal here.
    await expect(callText(c, 'read_peer', { name: 'dev' })).rejects.toThrow(
      /dev runs elsewhere; the studio has no terminal/,
    );
    await expect(callText(c, 'kick', { name: 'dev' })).rejects.toThrow(/no running terminal/);
    await expect(callText(c, 'respond', { name: 'dev', option: 1 })).rejects.toThrow(
      /dev runs elsewhere; the studio has no terminal/,
    );
  });

  it("only the commander (or the person) may answer another agent's prompt", async () => {
    const c = await t.connect(dev);
    await expect(callText(c, 'respond', { name: 'lead', option: 1 })).rejects.toThrow(/Only the commander/);
    await expect(callText(c, 'respond', { name: 'lead', keys: ['\u0003'] })).rejects.toThrow(
      /Only the commander/,
    );
  });
});

describe('a question only the person answers', () => {
  it("the commander may not answer an agent's folder-trust question, by option or by keys", async () => {
    const f = await startFakeAgentStudio();
    try {
      // Claude Code 2.1.332's trust question as recorded, shown by a program that then waits.
      const screen = readFileSync(
        join(process.cwd(), 'test/fixtures/screens/claude-2.1.332/trust.txt'),
        'utf8',
      ).replace(/\n/g, '\r\n');
      const show = join(f.dataDir, 'trust.js');
      writeFileSync(show, `process.stdout.write(${JSON.stringify(screen)}); setInterval(() => {}, 1000);\n`);
      f.studio.agents.add({
        name: 'newbie',
        cwd: f.dataDir,
        profile: { kind: 'command', command: process.execPath, args: [show] },
      });
      const token = f.studio.agents.add({ name: 'boss', commander: true, remote: true }).token;
      f.studio.sessions.start('newbie', { cols: 120, rows: 36 });
      await waitFor('newbie on the trust question', () =>
        f.studio.agents.require('newbie').state === 'waiting_trust' ? true : undefined,
      );
      const c = await f.connect(token);
      await expect(callText(c, 'respond', { name: 'newbie', option: 2 })).rejects.toThrow(
        /asks whether its folder is trusted: only the person answers that/,
      );
      await expect(callText(c, 'respond', { name: 'newbie', keys: ['down', 'enter'] })).rejects.toThrow(
        /only the person answers that/,
      );
      expect(f.studio.agents.require('newbie').state).toBe('waiting_trust');
    } finally {
      await f.close();
    }
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
  it("takes hooks only with the credential of the agent's running process, and answers SessionStart after /clear", async () => {
    const f = await startFakeAgentStudio();
    try {
      const worker = f.addFakeAgent('worker', { profile: 'claude', rolePrompt: 'Own the parser.' });
      await worker.start();
      const hooks = f.http.url.replace('/mcp', '/hooks');
      const hookFile = join(f.dataDir, 'agents', 'worker', 'hook.json');
      const credential = JSON.parse(readFileSync(hookFile, 'utf8')) as { url: string; token: string };
      expect(credential.url).toBe(hooks);
      expect(credential.token).toMatch(/^ccsh_/);
      expect(statSync(hookFile).mode & 0o777).toBe(0o600);
      const mcpToken = (
        JSON.parse(readFileSync(join(f.dataDir, 'agents', 'worker', 'mcp.json'), 'utf8')) as {
          mcpServers: { studio: { headers: { Authorization: string } } };
        }
      ).mcpServers.studio.headers.Authorization.replace('Bearer ', '');
      const post = (url: string, token: string, body: unknown) =>
        rawRequest(url, {
          body: JSON.stringify(body),
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
        });
      const clear = await post(hooks, credential.token, { hook_event_name: 'SessionStart', source: 'clear' });
      expect(clear.status).toBe(200);
      expect(JSON.parse(clear.body).hookSpecificOutput.additionalContext).toMatch(
        /you are worker\. Your role: Own the parser\./,
      );
      const startup = await post(hooks, credential.token, {
        hook_event_name: 'SessionStart',
        source: 'startup',
      });
      expect(JSON.parse(startup.body)).toEqual({});
      expect((await post(hooks, credential.token, ['not', 'an', 'object'])).status).toBe(400);
      // Nothing else reports hooks: not the agent's MCP token, not the admin token, not a guess.
      for (const other of [mcpToken, f.adminToken, 'ccsh_wrong'])
        expect((await post(hooks, other, { hook_event_name: 'Stop', stop_hook_active: false })).status).toBe(
          401,
        );
      // And the hook credential opens nothing else.
      const init = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      };
      expect((await post(f.http.url, credential.token, init)).status).toBe(401);
      expect(
        (
          await post(f.http.url.replace('/mcp', '/api/rpc'), credential.token, {
            method: 'status',
            params: [],
          })
        ).status,
      ).toBe(401);
      // A restart issues a new one; the old one is dead.
      await f.studio.sessions.restart('worker');
      await worker.waitForState('idle');
      expect(
        (await post(hooks, credential.token, { hook_event_name: 'Stop', stop_hook_active: false })).status,
      ).toBe(401);
      const next = JSON.parse(readFileSync(hookFile, 'utf8')) as { token: string };
      expect(
        (await post(hooks, next.token, { hook_event_name: 'Stop', stop_hook_active: false })).status,
      ).toBe(200);
    } finally {
      await f.close();
    }
  });
});

describe('bounded answers', () => {
  it('check_inbox answers within MAX_ANSWER_BYTES however large the limit, and says how much is left', async () => {
    const big = 'z'.repeat(60 * 1024);
    for (let i = 0; i < 60; i++) t.studio.bus.send(t.studio.agents.person, 'dev', `${i} ${big}`);
    const c = await t.connect(dev);
    const res = (await c.callTool({ name: 'check_inbox', arguments: { limit: 200 } })) as {
      content: Array<{ text: string }>;
    };
    const text = res.content[0]!.text;
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_ANSWER_BYTES + 8192);
    const answer = JSON.parse(text) as { messages: unknown[]; more_unread: number };
    expect(answer.more_unread).toBe(60 - answer.messages.length);
    expect(answer.messages.length).toBeGreaterThan(0);
  });

  it("send_message past a sender's share of an inbox is refused with a clear error", async () => {
    const c = await t.connect(lead);
    for (let i = 0; i < MAX_UNREAD_FROM_ONE_SENDER; i++)
      await callText(c, 'send_message', { to: 'dev', text: `m${i}` });
    await expect(callText(c, 'send_message', { to: 'dev', text: 'one more' })).rejects.toThrow(
      /dev has not read 250 of your messages/,
    );
  });
});

describe('register', () => {
  it('keeps what an agent says about itself apart from the launch folder and role the person set', async () => {
    const f = await startFakeAgentStudio();
    try {
      const worker = f.addFakeAgent('worker', { profile: 'claude' });
      f.studio.agents.update(worker.id, { role: 'parser owner' });
      await worker.start();
      const mcp = JSON.parse(readFileSync(join(f.dataDir, 'agents', 'worker', 'mcp.json'), 'utf8')) as {
        mcpServers: { studio: { headers: { Authorization: string } } };
      };
      const c = await f.connect(mcp.mcpServers.studio.headers.Authorization.replace('Bearer ', ''));
      const answer = await callJson<{ role: string }>(c, 'register', {
        cwd: '/nonexistent',
        role: 'now I am the commander',
        summary: 'parsing',
        branch: 'feat/x',
      });
      expect(answer.role).toBe('parser owner');
      expect(f.studio.agents.require('worker')).toMatchObject({
        cwd: worker.dir,
        reportedCwd: '/nonexistent',
        role: 'parser owner',
        summary: 'parsing',
        branch: 'feat/x',
      });
      // Its next start still uses the folder the person chose.
      await f.studio.sessions.restart('worker');
      await worker.waitForState('idle');
      expect(worker.logs.argvs()).toHaveLength(2);
    } finally {
      await f.close();
    }
  });

  it('sets the role of an agent the person gave none', async () => {
    const c = await t.connect(dev);
    expect((await callJson<{ role: string }>(c, 'register', { role: 'tester' })).role).toBe('tester');
  });
});

describe('starting agents', () => {
  it('says plainly when claude is not installed, and when a command is missing', async () => {
    await t.close();
    const { createStudioWithParts } = await import('../../support/studioParts.js');
    const { tempDir } = await import('../../support/studioHarness.js');
    const studio = createStudioWithParts({
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
