// Text that agents can set (message bodies, task titles and results, roles, summaries) printed to
// the person's own terminal. Raw, an ESC could set the terminal's title, move the cursor and
// erase lines, so a forged "from commander" line could replace a real one. Every control
// character is shown as a visible stand-in instead, and never sent to the terminal as itself.

// C0 controls but tab and newline, and DEL: shown as Unicode's control pictures (␛, ␍, ␡).
// eslint-disable-next-line no-control-regex
const C0 = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
// C1 controls (8-bit CSI and OSC among them) and the marks that reorder text on screen.
const C1_AND_BIDI = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const codePoint = (c: string) => c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');

/** Printable text with line breaks kept: each control character becomes a visible stand-in. */
export function printable(text: string): string {
  return String(text)
    .replace(C0, (c) => (c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0))))
    .replace(C1_AND_BIDI, (c) => `<U+${codePoint(c)}>`);
}

/** One line of printable text: a field that must not start a line of its own (titles, summaries). */
export function printableLine(text: string): string {
  return printable(text).replace(/\n/g, ' \u23CE ');
}

/**
 * A block (a message body, a task result) printed under a heading: every line after the first is
 * indented, so a line inside it can never pass for one of the CLI's own.
 */
export function printableBlock(text: string, indent = '    '): string {
  return printable(text).replace(/\n/g, `\n${indent}`);
}

/** JSON for the terminal: JSON.stringify leaves C1 and bidi characters raw; they are escaped here. */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(C1_AND_BIDI, (c) => `\\u${codePoint(c)}`);
}
