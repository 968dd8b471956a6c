// Agents' text (a task's title, its result) inside a notice the person sees. A notice goes to an OS
// notification (on Linux many daemons read its body as markup and turn bare URLs into links), to
// the browser's Notification, and to a webhook whose consumer may render markdown and link URLs
// (Slack does both, and links bare domains such as "README.md"). So the text is made one inert,
// plainly quoted line here, once, and every channel gets the same words.
import { sanitizeForTerminal } from '../util/sanitize.js';

/** Agents' text in a notice is read at a glance on a phone or a screen's corner; the full text stays on the board. */
export const NOTICE_QUOTE_CHARS = 140;

// Invisible format characters (zero-width spaces, word joiners, soft hyphens, tags) could hide a
// URL from the rules below; the zero-width joiner stays, emoji are built with it.
const INVISIBLE = /(?!\u200d)\p{Cf}/gu;
// A scheme before "//" is what every linkifier looks for first: "https[:]//" is not a link.
const SCHEME = /\b([a-z][a-z0-9+.-]*):(?=\/\/)/gi;
// A dot (or a full stop that IDNA reads as one) between text and a letter is what makes a host
// name ("evil.example", "www.x", "README.md"): "[.]" keeps it readable and stops any linkifier.
const HOST_DOT = /(?<=\S)[.\u3002\uff0e\uff61](?=\p{L})/gu;

/**
 * Agents' text as one plainly quoted line that no channel renders: line breaks and control
 * characters collapsed (sanitizeForTerminal), backticks made apostrophes (no code spans or
 * blocks), angle brackets made ‹› (no markup, no Slack mentions or links), URLs and host names
 * defanged ("https[:]//evil[.]example"), long text cut with an ellipsis, and the whole inside
 * “…”, with any curly double quote inside made straight so the quote cannot be closed early.
 */
export function quoteAgentText(text: string, maxChars = NOTICE_QUOTE_CHARS): string {
  const inert = sanitizeForTerminal(String(text).replace(INVISIBLE, ''), Number.POSITIVE_INFINITY)
    .replace(/`/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f]/g, '"')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(SCHEME, '$1[:]')
    .replace(HOST_DOT, '[.]');
  return `“${cutAt(inert, maxChars)}”`;
}

/** Cut to `max` characters with an ellipsis, never leaving half a surrogate pair. */
function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}
