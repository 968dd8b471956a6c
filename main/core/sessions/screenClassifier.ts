import type { AgentState } from '../../contract/model.js';
import type { ScreenMirror } from './screenMirror.js';
import { SCREEN_PATTERNS as P } from './screenPatterns.js';

export interface MenuOption {
  number: number;
  label: string;
  focused: boolean;
  /** The key that gives this answer, for a dialog that names one per answer in its footer. */
  key?: string;
}

/**
 * How an answer is picked: its digit (`numbered`), walking the focus to it and pressing Enter
 * (`unnumbered`), or the key its footer names (`keys`).
 */
export type MenuKind = 'numbered' | 'unnumbered' | 'keys';

export interface ScreenReading {
  /** What the screen alone says; `unknown` when it shows nothing the table recognises. */
  state: AgentState | 'unknown';
  /** Options of an open permission prompt or picker. */
  options: MenuOption[];
  /** How those options are picked (absent when there are none). */
  menu?: MenuKind;
  /** Text sitting in the idle input box, not yet submitted ('' when empty). */
  input: string;
  /** The CLI shows input queued behind a running turn. */
  queued: boolean;
}

const any = (patterns: readonly RegExp[], text: string) => patterns.some((p) => p.test(text));

/** Rows the classifier reads, up from the last one with text: the TUI's live region and more. */
export const CLASSIFY_TAIL_LINES = 40;

/**
 * Reads Claude Code's state off its screen text. Pure: the same screen always gives the same
 * reading. Looks at the bottom of the screen, where the TUI keeps its live region: the last
 * CLASSIFY_TAIL_LINES rows with text (ScreenMirror.tail reads no more than those).
 */
export function classifyScreen(screen: string): ScreenReading {
  const lines = screen.split('\n').map((l) => l.replace(/\s+$/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const tail = lines.slice(-CLASSIFY_TAIL_LINES);
  const tailText = tail.join('\n');
  const reading: ScreenReading = {
    state: 'unknown',
    options: [],
    input: '',
    queued: any(P.queued, tailText),
  };

  // The input box drawn at the very bottom means no dialog is open, whatever the transcript says.
  const box = inputBox(tail);
  const boxAtBottom = box !== undefined && box.bottom >= tail.length - 4;
  if (!boxAtBottom) {
    // Claude Code asks whether the person trusts the folder: theirs alone to answer.
    if (any(P.trust, tailText)) {
      const options = trustOptions(tail);
      return { ...reading, state: 'waiting_trust', options, menu: menuKindOf(tail) };
    }
    const options = readOptions(tail);
    if (options.length) {
      if (any(P.permission, tailText))
        return { ...reading, state: 'waiting_permission', options, menu: 'numbered' };
      if (any(P.pickerFooter, tail.slice(-3).join('\n')))
        return {
          ...reading,
          state: isTextOption(tail) ? 'waiting_text' : 'waiting_select',
          options,
          menu: 'numbered',
        };
    } else {
      const dialog = readDialog(tail);
      if (dialog) {
        const permission = dialog.menu === 'unnumbered' && any(P.permission, tailText);
        return { ...reading, state: permission ? 'waiting_permission' : 'waiting_select', ...dialog };
      }
    }
  }

  const footer = box ? tail.slice(box.bottom + 1).join('\n') : tail.slice(-3).join('\n');
  // The spinner sits just above the input box; looking only there keeps a transcript line
  // that happens to start with "* " and end in "…" from reading as busy.
  const nearBox = box ? tail.slice(Math.max(0, box.top - 6), box.top) : [];
  if (any(P.busyFooter, footer) || nearBox.some((l) => any(P.spinnerLine, l))) {
    return { ...reading, state: 'busy', input: box && !reading.queued ? box.input : '' };
  }
  if (box) {
    // An example shown in grey in the empty box (2.0) is not input: the empty-box hint is up.
    const placeholder =
      (any(P.placeholder, box.input) && any(P.emptyInputHint, footer)) || any(P.resendPlaceholder, box.input);
    const input = placeholder ? '' : box.input;
    // Every prompt would fail until the person logs it in: not idle, whatever the box shows. Its
    // notice is in the footer, or just above the box when the footer has no room.
    if (any(P.notLoggedIn, footer) || nearBox.some((l) => any(P.notLoggedIn, l)))
      return { ...reading, state: 'waiting_login', input };
    if (any(P.backgroundShell, footer)) return { ...reading, state: 'waiting_shell', input };
    return { ...reading, state: 'idle', input };
  }
  return reading;
}

/** The reading of a live screen, from its bottom rows only (a bounded read, however wide it is). */
export function classifyMirror(mirror: Pick<ScreenMirror, 'tail'>): ScreenReading {
  return classifyScreen(mirror.tail(CLASSIFY_TAIL_LINES).join('\n'));
}

/** The input box: a ❯ line between two rules, nearest the bottom. */
function inputBox(lines: string[]): { input: string; top: number; bottom: number } | undefined {
  for (let i = lines.length - 1; i >= 2; i--) {
    if (!P.rule.test(lines[i]!)) continue;
    // The box may wrap long input over several lines; find its top rule.
    for (let top = i - 1; top >= 0 && i - top <= 12; top--) {
      if (!P.rule.test(lines[top]!)) continue;
      const inside = lines.slice(top + 1, i);
      const m = inside.length ? P.inputLine.exec(inside[0]!) : null;
      if (!m) break;
      const input = [m[1] ?? '', ...inside.slice(1).map((l) => l.trim())].join(' ').trim();
      return { input: P.queued.some((q) => q.test(input)) ? '' : input, top, bottom: i };
    }
  }
  return undefined;
}

function readOptions(lines: string[]): MenuOption[] {
  const options: MenuOption[] = [];
  for (const line of lines) {
    const m = P.option.exec(line);
    if (!m) continue;
    const number = Number(m[2]);
    // A menu counts up from 1; a stray numbered line elsewhere starts a new run.
    if (number === 1) options.length = 0;
    else if (options.length && options[options.length - 1]!.number !== number - 1) continue;
    options.push({ number, label: m[3]!.trim(), focused: m[1] === '❯' });
  }
  return options.length >= 2 ? options : [];
}

/**
 * A dialog below the last rule that is not a numbered menu: a menu drawn without numbers (its
 * focused row starts with ❯, the other answers under it at the same column) or a footer naming
 * one key per answer. Only below the rule, so a "❯ prompt" in the transcript is never read.
 */
function readDialog(lines: string[]): { options: MenuOption[]; menu: MenuKind } | undefined {
  const rule = lines.findLastIndex((l) => P.rule.test(l));
  if (rule < 0) return undefined;
  const body = lines.slice(rule + 1);
  const focused = body.filter((l) => P.focusedRow.test(l));
  if (focused.length === 1) {
    const options = unnumberedOptions(body, body.indexOf(focused[0]!));
    if (options.length >= 2) return { options, menu: 'unnumbered' };
  }
  const footer = body[body.length - 1] ?? '';
  if (focused.length === 0 && P.keyFooter.test(footer)) {
    const options = keyOptions(footer);
    if (options.length >= 2) return { options, menu: 'keys' };
  }
  return undefined;
}

/** The answers around the focused row: the run of rows whose text starts where its text does. */
function unnumberedOptions(body: string[], at: number): MenuOption[] {
  const m = P.focusedRow.exec(body[at]!)!;
  const column = body[at]!.length - m[2]!.length;
  const isOption = (l: string) => l.length > column && /^\s*$/.test(l.slice(0, column)) && l[column] !== ' ';
  let from = at;
  while (from > 0 && isOption(body[from - 1]!) && !P.focusedRow.test(body[from - 1]!)) from--;
  let to = at;
  while (to + 1 < body.length && isOption(body[to + 1]!)) to++;
  return body.slice(from, to + 1).map((l, i) => ({
    number: i + 1,
    label: l.slice(column).trim(),
    focused: from + i === at,
  }));
}

/** "Enter to stay · shift+Tab to leave · Esc to cancel": one answer per key the studio can press. */
function keyOptions(footer: string): MenuOption[] {
  const options: MenuOption[] = [];
  for (const part of footer.trim().split(/\s+·\s+/)) {
    const m = P.keyAnswer.exec(part);
    if (m)
      options.push({ number: options.length + 1, label: m[2]!, focused: false, key: m[1]!.toLowerCase() });
  }
  return options;
}

/** A menu with "1." on a row is picked by digit; one without is walked to. */
function menuKindOf(lines: string[]): MenuKind {
  return lines.some((l) => /^\s*❯?\s*1\.\s/.test(l)) ? 'numbered' : 'unnumbered';
}

/** The folder-trust dialog's answers, numbered as drawn when the version does not number them. */
function trustOptions(lines: string[]): MenuOption[] {
  const options: MenuOption[] = [];
  for (const line of lines) {
    const m = P.trustOption.exec(line);
    if (m) options.push({ number: Number(m[2] ?? options.length + 1), label: m[3]!, focused: m[1] === '❯' });
  }
  return options;
}

/** In a question menu, the free-text option is the one drawn just above the rule. */
function isTextOption(lines: string[]): boolean {
  const i = lines.findIndex((l) => /^\s*❯\s*\d+\./.test(l));
  return i >= 0 && i + 1 < lines.length && P.rule.test(lines[i + 1]!.trim());
}
