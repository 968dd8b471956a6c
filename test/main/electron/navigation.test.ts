// The desktop shell's decisions, under plain Node: no Electron needed.
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  externalUrl,
  isAllowedNavigation,
  isAllowedPermission,
  withCsp,
} from '../../../main/electron/navigation.js';

describe('navigation', () => {
  const app = 'file:///opt/studio/dist/renderer/index.html';

  it('allows the renderer page itself: a reload, a hash or query change', () => {
    expect(isAllowedNavigation(app, app)).toBe(true);
    expect(isAllowedNavigation(app + '#board', app)).toBe(true);
    expect(isAllowedNavigation(app + '?x=1', app)).toBe(true);
  });

  it('refuses everything else', () => {
    for (const url of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'file:///opt/studio/dist/renderer/other.html',
      'file:///opt/studio/dist/renderer/index.html/../../../../etc/passwd',
      'file://evil.example/opt/studio/dist/renderer/index.html',
      'http://127.0.0.1:47100/',
      'https://example.com/',
      'about:blank',
      'chrome://settings',
      'devtools://devtools/bundled/inspector.html',
      'not a url',
      '',
    ]) {
      expect(isAllowedNavigation(url, app), url).toBe(false);
    }
  });

  it('refuses all navigation when the page is not a file (a misconfigured load)', () => {
    expect(isAllowedNavigation('http://localhost/', 'http://localhost/')).toBe(false);
  });

  it('opens only web links outside, in the browser', () => {
    expect(externalUrl('https://docs.anthropic.com/claude-code')).toBe(
      'https://docs.anthropic.com/claude-code',
    );
    expect(externalUrl('http://localhost:3000/x')).toBe('http://localhost:3000/x');
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,hi',
      'smb://host/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/etc/passwd',
      'nonsense',
    ]) {
      expect(externalUrl(url), url).toBeUndefined();
    }
  });

  it('grants notifications and nothing else', () => {
    expect(isAllowedPermission('notifications')).toBe(true);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial'])
      expect(isAllowedPermission(p), p).toBe(false);
  });
});

describe('content security policy header', () => {
  it('replaces any policy the response had, whatever its case, and keeps other headers', () => {
    const out = withCsp({
      'content-security-policy': ['default-src *'],
      'Content-Type': ['text/html'],
    });
    expect(out).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('allows only the app itself to run scripts, connect, or frame it', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
    });
  });
});
