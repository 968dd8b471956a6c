// Everything typed into a terminal on someone else's behalf passes through here. The result is
// one line of printable text: it cannot carry a keystroke, an escape sequence or a paste end.

/** Longest text the studio types for anyone; the full message always stays in the inbox. */
export const MAX_TYPED_CHARS = 500;

// ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC
// (ESC P|X|^|_ ... ST), and two-byte escapes. C1 forms (0x9B CSI, 0x9D OSC, ...) likewise.
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[ -/]*[0-~]?|\u009b[0-?]*[ -/]*[@-~]|[\u009d\u0090\u0098\u009e\u009f][^\u0007\u009c]*[\u0007\u009c]?/g;
// Line breaks become spaces; every other C0 control, DEL and C1 control goes.
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /[\r\n\u000b\u000c\u0085\u2028\u2029]+/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidirectional overrides and isolates can make shown text differ from what is typed.
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
// What remains of a bracketed-paste marker once its ESC is gone, in case one was split oddly.
const PASTE_MARKER_REMNANT = /\[20[01]~/g;

export function sanitizeForTerminal(text: string, maxChars = MAX_TYPED_CHARS): string {
  let out = String(text)
    .replace(ESCAPE_SEQUENCE, '')
    .replace(LINE_BREAKS, ' ')
    .replace(CONTROLS, '')
    .replace(BIDI, '')
    // A lone surrogate would become a replacement character or break the encoder.
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
  // Removing one remnant can join two halves into another ("[20[201~1~"): repeat until none is left.
  for (let before = ''; before !== out;) {
    before = out;
    out = out.replace(PASTE_MARKER_REMNANT, '');
  }
  out = out.replace(/\s{2,}/g, ' ').trim();
  if (out.length > maxChars) {
    const cut = out.slice(0, maxChars - 1);
    // Do not leave half a surrogate pair at the cut.
    out = (/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut) + '…';
  }
  return out;
}

/** Slash commands are typed raw (never wrapped in a paste) and must look like one. */
export function isSlashCommand(text: string): boolean {
  return /^\/[a-z][\w:-]*(\s|$)/i.test(text);
}
