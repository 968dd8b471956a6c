// What a terminal emulator sends by itself, not the person: xterm.js in a tile answers the
// program's queries (device attributes, the cursor's position, a mode's state, colours) and, where
// the program asked for them (Claude Code does), reports focus coming and going. None of that is
// the person typing: counted as typing, opening the window held back a wake's Enter, leaving the
// mail unannounced in the input box.

/** One report: focus in/out, a device-attributes or cursor-position answer, a mode's state, an OSC reply. */
const REPORT = new RegExp(
  [
    '\\u001b\\[[IO]', // focus in, focus out (mode 1004)
    '\\u001b\\[[?>=]?[\\d;]*c', // primary, secondary, tertiary device attributes
    '\\u001b\\[\\??\\d+;\\d+R', // cursor position (DSR 6)
    '\\u001b\\[\\d+n', // device status (DSR 5)
    '\\u001b\\[\\??[\\d;]*\\$y', // a mode's state (DECRQM)
    '\\u001b\\][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)', // an OSC reply (colours), BEL or ST ended
  ].join('|'),
  'gu',
);

/** The input holds nothing but reports the terminal made itself. */
export function isTerminalReport(data: string): boolean {
  return data.length > 0 && data.replace(REPORT, '') === '';
}
