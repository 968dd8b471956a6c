// The README is what a newcomer reads in the first hour: short, and every link in it and in
// docs/ goes somewhere (a file of this checkout, or an anchor of one).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
/** What a person reads before they start: the rest is in docs/. */
const README_MAX_LINES = 200;

/** The slug GitHub gives a heading: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function pages(): string[] {
  return [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
}

describe('the README and docs/', () => {
  it(`keeps the README under ${README_MAX_LINES} lines`, () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8').split('\n').length).toBeLessThan(README_MAX_LINES);
  });

  it('has no link to a file or heading that is not there', () => {
    const broken: string[] = [];
    for (const page of pages()) {
      const text = readFileSync(join(root, page), 'utf8');
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [file = '', anchor] = target.split('#');
        const path = file ? normalize(join(dirname(join(root, page)), file)) : join(root, page);
        if (!existsSync(path)) {
          broken.push(`${page}: ${target}`);
          continue;
        }
        if (anchor && path.endsWith('.md')) {
          const headings = [...readFileSync(path, 'utf8').matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1]!));
          if (!headings.includes(anchor)) broken.push(`${page}: ${target}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
