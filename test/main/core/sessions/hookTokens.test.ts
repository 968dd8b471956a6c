import { describe, expect, it } from 'vitest';
import { hashToken } from '../../../../main/core/agents/agentRegistry.js';
import { HOOK_TOKEN_PREFIX, HookTokens } from '../../../../main/core/sessions/hookTokens.js';

describe('HookTokens', () => {
  it('issues a fresh, prefixed credential each time, kept only as its hash', () => {
    const tokens = new HookTokens();
    const a = tokens.issue();
    const b = tokens.issue();
    expect(a.token.startsWith(HOOK_TOKEN_PREFIX)).toBe(true);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).not.toContain(a.token);
  });

  it('reports for nobody until bound, and for nobody once its process is forgotten', () => {
    const tokens = new HookTokens();
    const cred = tokens.issue();
    expect(tokens.agentIdFor(cred.token)).toBeUndefined();
    tokens.bind(cred.hash, 7);
    expect(tokens.agentIdFor(cred.token)).toBe(7);
    // Its hash, or any other string, is no credential.
    expect(tokens.agentIdFor(cred.hash)).toBeUndefined();
    expect(tokens.agentIdFor('')).toBeUndefined();
    tokens.forget(cred.hash);
    expect(tokens.agentIdFor(cred.token)).toBeUndefined();
  });

  it('keeps a new process of the same agent apart from its last one', () => {
    const tokens = new HookTokens();
    const old = tokens.issue();
    const next = tokens.issue();
    tokens.bind(old.hash, 1);
    tokens.bind(next.hash, 1);
    tokens.forget(old.hash);
    expect(tokens.agentIdFor(old.token)).toBeUndefined();
    expect(tokens.agentIdFor(next.token)).toBe(1);
    tokens.clear();
    expect(tokens.agentIdFor(next.token)).toBeUndefined();
  });
});
