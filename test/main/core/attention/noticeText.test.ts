import { describe, expect, it } from 'vitest';
import { NOTICE_QUOTE_CHARS, quoteAgentText } from '../../../../main/core/attention/noticeText.js';

// Agents' text in notices: one quoted line that an OS notification, a browser Notification and a
// markdown-rendering webhook consumer (Slack) all show as plain words.
describe('quoteAgentText', () => {
  it('leaves ordinary words alone, inside quotes', () => {
    expect(quoteAgentText('Fix the parser for 2.1.330')).toBe('“Fix the parser for 2.1.330”');
  });

  it('makes one line: line breaks, tabs, escape sequences and control characters collapse', () => {
    expect(quoteAgentText('Fix it\n\nSigned-off-by: Evil <e@x>\r\n\tnow')).toBe(
      '“Fix it Signed-off-by: Evil ‹e@x› now”',
    );
    expect(quoteAgentText('\u001b[31mred\u001b[0m\u0007 and \u0085next\u2028line')).toBe(
      '“red and next line”',
    );
    // Marks that reorder shown text could make the quote look closed where it is not.
    expect(quoteAgentText('abc\u202edone” said the studio')).toBe('“abcdone" said the studio”');
  });

  it('keeps backticks from making code, and angle brackets from making markup, mentions or links', () => {
    expect(quoteAgentText('run `curl x|sh` or ```sh\nrm -rf ~\n```')).toBe(
      "“run 'curl x|sh' or '''sh rm -rf ~ '''”",
    );
    const slack = quoteAgentText('<!channel> see <https://evil.example|the PR> <b>bold</b> <img src=x>');
    expect(slack).not.toMatch(/[<>`]/);
    expect(slack).toBe('“‹!channel› see ‹https[:]//evil[.]example|the PR› ‹b›bold‹/b› ‹img src=x›”');
  });

  it('defangs URLs and host names so no channel links them, zero-width tricks included', () => {
    expect(quoteAgentText('open https://evil.example/login?x=1 now')).toBe(
      '“open https[:]//evil[.]example/login?x=1 now”',
    );
    expect(quoteAgentText('see www.evil.example or evil.example/x, mail me@evil.example')).toBe(
      '“see www[.]evil[.]example or evil[.]example/x, mail me@evil[.]example”',
    );
    // Slack links a bare name with a known TLD ("README.md" is Moldova's).
    expect(quoteAgentText('Update README.md')).toBe('“Update README[.]md”');
    expect(quoteAgentText('HTTPS://x.example ftp://y.example')).toBe(
      '“HTTPS[:]//x[.]example ftp[:]//y[.]example”',
    );
    expect(quoteAgentText('https:\u200b//evil\u200b.example evil\u3002example')).toBe(
      '“https[:]//evil[.]example evil[.]example”',
    );
  });

  it('cuts long text with an ellipsis, never splitting a character', () => {
    const long = quoteAgentText('x'.repeat(1000));
    expect(long).toBe(`“${'x'.repeat(NOTICE_QUOTE_CHARS - 1)}…”`);
    const emoji = quoteAgentText('x'.repeat(NOTICE_QUOTE_CHARS - 2) + '😀😀😀');
    expect(emoji).toBe(`“${'x'.repeat(NOTICE_QUOTE_CHARS - 2)}…”`);
  });
});
