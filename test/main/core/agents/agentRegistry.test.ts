import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudioWithParts, type StudioWithParts } from '../../../support/studioParts.js';
import type { StudioEvent } from '../../../../main/contract/events.js';
import { FakeClock } from '../../../support/fakeClock.js';

let studio: StudioWithParts;
let clock: FakeClock;
let events: StudioEvent[];
beforeEach(() => {
  clock = new FakeClock();
  studio = createStudioWithParts({ databaseFile: ':memory:', clock });
  events = [];
  studio.events.on((e) => events.push(e));
});
afterEach(() => studio.close());

describe('AgentRegistry', () => {
  it('starts with the person and adds agents with a token that resolves to them', () => {
    expect(studio.agents.list().map((a) => a.name)).toEqual(['user']);
    const { agent, token } = studio.agents.add({ name: 'alice', role: 'builder', remote: true });
    expect(token).toMatch(/^ccs_[A-Za-z0-9_-]{32}$/);
    expect(studio.agents.byToken(token)?.name).toBe('alice');
    expect(agent).toMatchObject({
      name: 'alice',
      role: 'builder',
      remote: true,
      kind: 'agent',
      state: 'unknown',
    });
    expect(events.map((e) => e.type)).toEqual(['agent.added']);
  });

  it('stores only a hash of the token', () => {
    const { token } = studio.agents.add({ name: 'alice' });
    const rows = studio.db.prepare('SELECT token_hash FROM agent_tokens').all() as Array<{
      token_hash: string;
    }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(token);
    expect(JSON.stringify(studio.db.prepare('SELECT * FROM agents').all())).not.toContain(token);
  });

  it.each(['', 'has space', 'a'.repeat(33), '-dash', 'semi;colon', 'new\nline', '\u001b[31m'])(
    'rejects the name %j',
    (name) => {
      expect(() => studio.agents.add({ name })).toThrow(/agent name/);
      expect(studio.agents.list()).toHaveLength(1);
    },
  );

  it('rejects a duplicate name in any case, and unknown tokens', () => {
    studio.agents.add({ name: 'alice' });
    expect(() => studio.agents.add({ name: 'ALICE' })).toThrow(/already exists/);
    expect(studio.agents.byToken('ccs_nope')).toBeUndefined();
  });

  it('rotating a token invalidates the old one', () => {
    const { token } = studio.agents.add({ name: 'alice' });
    expect(studio.agents.byToken(token)).toBeDefined();
    const next = studio.agents.rotateToken('alice');
    expect(studio.agents.byToken(token)).toBeUndefined();
    expect(studio.agents.byToken(next)?.name).toBe('alice');
  });

  it('removing an agent kills its token and frees its name but keeps history names', () => {
    const { agent, token } = studio.agents.add({ name: 'alice' });
    studio.bus.send(agent, 'user', 'hello');
    studio.agents.remove('alice');
    expect(studio.agents.byToken(token)).toBeUndefined();
    expect(studio.agents.get('alice')).toBeUndefined();
    expect(studio.bus.history(null)[0]!.from).toBe('alice');
    expect(studio.agents.add({ name: 'alice' }).agent.id).not.toBe(agent.id);
    expect(() => studio.agents.remove('user')).toThrow(/person/);
  });

  it('writes last-seen through at most every few seconds', () => {
    const { agent } = studio.agents.add({ name: 'alice' });
    const seen = () =>
      (studio.db.prepare('SELECT last_seen_at AS t FROM agents WHERE id = ?').get(agent.id) as { t: number })
        .t;
    studio.agents.touch(agent.id);
    expect(seen()).toBe(clock.now());
    const first = clock.now();
    clock.advance(1000);
    studio.agents.touch(agent.id);
    expect(seen()).toBe(first);
    expect(studio.agents.get('alice')!.lastSeenAt).toBe(clock.now());
    clock.advance(5000);
    studio.agents.touch(agent.id);
    expect(seen()).toBe(clock.now());
  });

  it('update emits only on change and checks lengths', () => {
    const { agent } = studio.agents.add({ name: 'alice' });
    events.length = 0;
    studio.agents.update(agent.id, { summary: 'fixing tests' });
    studio.agents.update(agent.id, { summary: 'fixing tests' });
    expect(events.map((e) => e.type)).toEqual(['agent.updated']);
    expect(() => studio.agents.update(agent.id, { summary: 'x'.repeat(501) })).toThrow(/keep it under/);
  });

  it('survives a reopen of the same file', async () => {
    const dir = `${process.env.TMPDIR ?? '/tmp'}/ccs-reg-${process.pid}-${Date.now()}`;
    const a = createStudioWithParts({ dataDir: dir });
    const { token } = a.agents.add({ name: 'alice', role: 'r' });
    await a.close();
    const b = createStudioWithParts({ dataDir: dir });
    expect(b.agents.byToken(token)?.role).toBe('r');
    expect(b.agents.list().filter((x) => x.name === 'user')).toHaveLength(1);
    await b.close();
  });
});
