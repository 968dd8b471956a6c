import { describe, expect, it } from 'vitest';
import { isTerminalReport } from '../../../../main/core/sessions/terminalReports.js';

describe('terminal reports', () => {
  it("tells xterm.js's own answers and focus reports from what the person types", () => {
    for (const report of [
      '\u001b[I',
      '\u001b[O',
      '\u001b[?1;2c',
      '\u001b[>0;276;0c',
      '\u001b[12;40R',
      '\u001b[0n',
      '\u001b[?2004;1$y',
      '\u001b]11;rgb:0d0d/1111/1717\u001b\\',
      '\u001b]10;rgb:ffff/ffff/ffff\u0007',
      '\u001b[I\u001b[?1;2c',
    ])
      expect(isTerminalReport(report), JSON.stringify(report)).toBe(true);
    for (const typed of [
      'a',
      'hello',
      '\r',
      '\u001b',
      '\u001b[A',
      '\u001b[I hi',
      '\u0003',
      '\u001b[200~pasted\u001b[201~',
    ])
      expect(isTerminalReport(typed), JSON.stringify(typed)).toBe(false);
  });
});
