// shellQuote against a real POSIX shell: every word comes back as it went in, never run.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../../../main/core/util/shellQuote.js';

/** What /bin/sh makes of the quoted word: printed back byte for byte. */
const throughShell = (word: string) =>
  execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(word)}`], { encoding: 'utf8' });

describe('shellQuote', () => {
  it('gives a POSIX shell back every word unchanged, quotes, expansions and separators included', () => {
    const words = [
      '',
      'plain',
      "it's",
      "''",
      'a b\tc\nd',
      '$HOME `id` $(id) ${x}',
      '; rm -rf / && echo pwned | cat > /tmp/x',
      '\\\'"\\"',
      '*?[a-z]~',
      'Ünïcødé ✓',
    ];
    for (const word of words) expect(throughShell(word), JSON.stringify(word)).toBe(word);
  });
});
