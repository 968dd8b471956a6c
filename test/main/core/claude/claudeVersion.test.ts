import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  claudeVersionOf,
  compareVersions,
  probeClaudeVersion,
  parseVersion,
  supportsHttpHooks,
  unsupportedReason,
} from '../../../../main/core/claude/claudeVersion.js';
import { tempDir } from '../../../support/studioHarness.js';

describe('Claude Code versions', () => {
  it('compares versions as numbers, not text', () => {
    expect(compareVersions('2.1.63', '2.1.200')).toBeLessThan(0);
    expect(compareVersions('2.1.330', '2.1.330')).toBe(0);
    expect(compareVersions('2.10.0', '2.9.99')).toBeGreaterThan(0);
    expect(parseVersion('2.1.330 (Claude Code)')).toBe('2.1.330');
    expect(parseVersion('no version here')).toBeUndefined();
  });

  it('refuses versions older than the oldest tested one, naming the range; an unknown one runs', () => {
    expect(unsupportedReason('2.0.49')).toMatch(
      /Claude Code 2\.0\.49 is older than the studio supports \(2\.0\.50 and newer; tested with 2\.0\.50, 2\.1\.200, 2\.1\.330, 2\.1\.332\)/,
    );
    expect(unsupportedReason('2.0.50')).toBeUndefined();
    expect(unsupportedReason('2.9.0')).toBeUndefined();
    expect(unsupportedReason(undefined)).toBeUndefined();
    expect(supportsHttpHooks('2.1.62')).toBe(false);
    expect(supportsHttpHooks('2.1.63')).toBe(true);
    expect(supportsHttpHooks(undefined)).toBe(false);
  });

  it('reads the version from the npm package, a versions folder, or --version', async () => {
    const dir = tempDir('ccstudio-version-');
    const pkg = join(dir, 'node_modules/@anthropic-ai/claude-code');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@anthropic-ai/claude-code', version: '2.1.200' }),
    );
    writeFileSync(join(pkg, 'bin/claude.exe'), '');
    expect(claudeVersionOf(join(pkg, 'bin/claude.exe'))).toBe('2.1.200');
    const native = join(dir, 'share/claude/versions/2.1.331');
    mkdirSync(join(dir, 'share/claude/versions'), { recursive: true });
    writeFileSync(native, '');
    expect(claudeVersionOf(native)).toBe('2.1.331');
    const wrapper = join(dir, 'claude-wrapper');
    writeFileSync(wrapper, '#!/bin/sh\necho "2.0.50 (Claude Code)"\n');
    chmodSync(wrapper, 0o755);
    // A wrapper's files say nothing: asked in a child process, then known without asking.
    expect(claudeVersionOf(wrapper)).toBeUndefined();
    expect(await probeClaudeVersion(wrapper, process.env)).toBe('2.0.50');
    expect(claudeVersionOf(wrapper)).toBe('2.0.50');
    const other = join(dir, 'not-claude');
    writeFileSync(other, '#!/bin/sh\necho "bash 5.2.15"\n');
    chmodSync(other, 0o755);
    expect(await probeClaudeVersion(other, process.env)).toBeUndefined();
  });
});
