import { describe, expect, it } from 'vitest';
import { refuseHost } from '../../server/hostCheck.js';

const rules = {
  allowedHosts: new Set(['127.0.0.1:4000', 'localhost:4000', '[::1]:4000']),
  allowedOrigins: new Set(['http://127.0.0.1:4000', 'http://localhost:4000', 'http://[::1]:4000']),
};

describe('refuseHost (DNS rebinding, SSH forwards)', () => {
  it('takes the listener own host and origin', () => {
    expect(refuseHost(rules, '127.0.0.1:4000', undefined)).toBeUndefined();
    expect(refuseHost(rules, 'LOCALHOST:4000', 'http://localhost:4000')).toBeUndefined();
  });

  it('refuses a name the attacker controls, on any port', () => {
    expect(refuseHost(rules, 'evil.example.com', undefined)).toMatch(/Host "evil.example.com"/);
    expect(refuseHost(rules, 'evil.example.com:4000', undefined)).toMatch(/not allowed/);
    expect(refuseHost(rules, '127.0.0.1.evil.example.com:4000', undefined)).toMatch(/not allowed/);
    expect(refuseHost(rules, undefined, undefined)).toMatch(/not allowed/);
    expect(refuseHost(rules, 'localhost', undefined)).toMatch(/not allowed/);
  });

  it('takes a loopback name on another port: an SSH forward to this studio', () => {
    expect(refuseHost(rules, '127.0.0.1:38211', undefined)).toBeUndefined();
    expect(refuseHost(rules, 'localhost:9000', 'http://localhost:9000')).toBeUndefined();
    expect(refuseHost(rules, '[::1]:9000', 'http://[::1]:9000')).toBeUndefined();
  });

  it("refuses another local page's origin through a forward", () => {
    // A dev server's page on localhost:3000 posting to the studio's forward.
    expect(refuseHost(rules, 'localhost:9000', 'http://localhost:3000')).toMatch(/Origin/);
    expect(refuseHost(rules, 'localhost:9000', 'http://evil.example.com')).toMatch(/Origin/);
    // Its own origin on the listener's port is not the forward's.
    expect(refuseHost(rules, 'localhost:9000', 'http://localhost:4000')).toBeUndefined();
    expect(refuseHost(rules, '127.0.0.1:4000', 'http://localhost:9000')).toMatch(/Origin/);
  });
});
