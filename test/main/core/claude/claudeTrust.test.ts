import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  claudeConfigFile,
  claudeTrusts,
  readsWorktreeTrust,
  recordWorktreeTrust,
} from '../../../../main/core/claude/claudeTrust.js';
import { tempDir } from '../../../support/studioHarness.js';
import { rmSync } from 'node:fs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A home with a ~/.claude.json as Claude Code leaves it, a repository and a worktree beside it. */
function setup(projects: Record<string, Record<string, unknown>>) {
  const root = realpathSync(tempDir('ccstudio-trust-'));
  dirs.push(root);
  const home = join(root, 'home');
  const repo = join(root, 'app');
  const worktree = join(root, 'app-worktrees', 'agent-1');
  for (const d of [home, repo, worktree]) mkdirSync(d, { recursive: true });
  const file = join(home, '.claude.json');
  const config = {
    numStartups: 7,
    hasCompletedOnboarding: true,
    oauthAccount: { emailAddress: 'me@example.com' },
    mcpServers: { mine: { type: 'stdio', command: 'x' } },
    projects: Object.fromEntries(Object.entries(projects).map(([k, v]) => [k.replace('ROOT', root), v])),
  };
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return { root, home, repo, worktree, file, config };
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe("Claude Code's folder trust", () => {
  it('is read from ~/.claude.json, or CLAUDE_CONFIG_DIR, or an old install’s .config.json', () => {
    expect(claudeConfigFile({ HOME: '/h' })).toBe('/h/.claude.json');
    expect(claudeConfigFile({ HOME: '/h', CLAUDE_CONFIG_DIR: '/c' })).toBe('/c/.claude.json');
    const { home } = setup({});
    mkdirSync(join(home, '.claude'));
    writeFileSync(join(home, '.claude', '.config.json'), '{}');
    expect(claudeConfigFile({ HOME: home })).toBe(join(home, '.claude', '.config.json'));
  });

  it("counts a repository's trust for its worktrees, and a folder's for those inside it up to its repository", () => {
    const trusted = setup({ 'ROOT/app': { hasTrustDialogAccepted: true } });
    expect(claudeTrusts(trusted.file, trusted.repo, trusted.repo)).toBe(true);
    expect(claudeTrusts(trusted.file, join(trusted.repo), trusted.repo)).toBe(true);
    expect(claudeTrusts(trusted.file, trusted.worktree, trusted.repo)).toBe(true);
    // Claude Code 2.1 looks no higher than the repository: a trusted folder above it does not count.
    const above = setup({ ROOT: { hasTrustDialogAccepted: true } });
    expect(claudeTrusts(above.file, above.repo, above.repo)).toBe(false);
    // Outside any repository, a trusted folder above does.
    expect(claudeTrusts(above.file, join(above.root, 'home'))).toBe(true);
    const none = setup({ 'ROOT/app': { hasTrustDialogAccepted: false, allowedTools: [] } });
    expect(claudeTrusts(none.file, none.worktree, none.repo)).toBe(false);
    expect(claudeTrusts(join(none.root, 'missing.json'), none.repo, none.repo)).toBe(false);
  });

  it('is read from the repository by Claude Code 2.1.200 and newer; older versions get it recorded', () => {
    expect(readsWorktreeTrust('2.0.50')).toBe(false);
    expect(readsWorktreeTrust('2.1.199')).toBe(false);
    expect(readsWorktreeTrust('2.1.200')).toBe(true);
    expect(readsWorktreeTrust('2.1.332')).toBe(true);
    expect(readsWorktreeTrust(undefined)).toBe(false);
  });
});

describe("recording a trusted repository's trust for its worktree", () => {
  it('sets only the worktree’s flag, keeps every other field and the file’s mode, and leaves nothing behind', () => {
    const s = setup({ 'ROOT/app': { hasTrustDialogAccepted: true, allowedTools: ['Bash(ls)'] } });
    chmodSync(s.file, 0o640);
    expect(recordWorktreeTrust(s.file, s.repo, s.worktree)).toBe('recorded');
    const after = read(s.file);
    const { projects, ...rest } = after as { projects: Record<string, unknown> };
    const { projects: before, ...restBefore } = s.config;
    expect(rest).toEqual(restBefore);
    expect(projects).toEqual({
      ...before,
      [s.worktree]: { allowedTools: [], hasTrustDialogAccepted: true },
    });
    expect(statSync(s.file).mode & 0o777).toBe(0o640);
    expect(readdirSync(s.home)).toEqual(['.claude.json']);
    expect(recordWorktreeTrust(s.file, s.repo, s.worktree)).toBe('already');
    expect(claudeTrusts(s.file, s.worktree)).toBe(true);
  });

  it('keeps the fields of a worktree entry Claude Code made already', () => {
    const s = setup({
      'ROOT/app': { hasTrustDialogAccepted: true },
      'ROOT/app-worktrees/agent-1': { allowedTools: ['Read'], lastCost: 1.5, hasTrustDialogAccepted: false },
    });
    expect(recordWorktreeTrust(s.file, s.repo, s.worktree)).toBe('recorded');
    expect((read(s.file).projects as Record<string, unknown>)[s.worktree]).toEqual({
      allowedTools: ['Read'],
      lastCost: 1.5,
      hasTrustDialogAccepted: true,
    });
  });

  it('never for a repository the person has not trusted, nor while Claude Code holds its lock, nor over a file it cannot read', () => {
    const untrusted = setup({ 'ROOT/app': { hasTrustDialogAccepted: false } });
    const before = readFileSync(untrusted.file, 'utf8');
    expect(recordWorktreeTrust(untrusted.file, untrusted.repo, untrusted.worktree)).toBe('untrusted');
    // Trust of the folder above the repository is not the repository's.
    const above = setup({ ROOT: { hasTrustDialogAccepted: true } });
    expect(recordWorktreeTrust(above.file, above.repo, above.worktree)).toBe('untrusted');
    expect(readFileSync(untrusted.file, 'utf8')).toBe(before);

    const locked = setup({ 'ROOT/app': { hasTrustDialogAccepted: true } });
    const lockedBefore = readFileSync(locked.file, 'utf8');
    mkdirSync(`${locked.file}.lock`);
    expect(recordWorktreeTrust(locked.file, locked.repo, locked.worktree)).toBe('busy');
    expect(readFileSync(locked.file, 'utf8')).toBe(lockedBefore);
    // The lock is Claude Code's: left as it was.
    expect(lstatSync(`${locked.file}.lock`).isDirectory()).toBe(true);

    const broken = setup({});
    writeFileSync(broken.file, '{"projects": {');
    expect(recordWorktreeTrust(broken.file, broken.repo, broken.worktree)).toBe('skipped');
    expect(readFileSync(broken.file, 'utf8')).toBe('{"projects": {');
    expect(readdirSync(broken.home)).toEqual(['.claude.json']);
  });

  it('writes through a ~/.claude.json that is a link (a dotfiles checkout), keeping the link', () => {
    const s = setup({ 'ROOT/app': { hasTrustDialogAccepted: true } });
    const dotfiles = join(s.root, 'dotfiles');
    mkdirSync(dotfiles);
    const real = join(dotfiles, 'claude.json');
    writeFileSync(real, readFileSync(s.file));
    rmSync(s.file);
    symlinkSync(real, s.file);
    expect(recordWorktreeTrust(s.file, s.repo, s.worktree)).toBe('recorded');
    expect(lstatSync(s.file).isSymbolicLink()).toBe(true);
    expect(claudeTrusts(real, s.worktree)).toBe(true);
  });
});
