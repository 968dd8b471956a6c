// A stand-in for an idle Claude Code session, for the wake bench (wakeBench.ts). It draws the idle
// input box the studio's screen classifier knows (rule, "❯ ", rule, auto-mode footer), asks for
// bracketed paste, echoes what is typed into the box, and on Enter shows a turn running ("esc to
// interrupt" footer, spinner line) for --busy-ms before drawing the empty idle box again, so it
// can be woken again and again. It calls nothing: a wake prompt is taken, never acted on.
//
//   node idleAgent.mjs [--busy-ms 50] [--log FILE]
//
// --log appends one line per bracketed paste received: the wall-clock time (ms, sub-ms precision,
// performance.timeOrigin + performance.now()) at which the paste's first bytes were read.
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const busyMs = Number(option('--busy-ms', '50'));
const logFile = option('--log', '');

const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

let input = '';
let busy = false;
let pasting = false;
let submitted = 0;

const cols = () => Math.max(40, process.stdout.columns || 120);

function draw() {
  const rule = '─'.repeat(cols());
  const lines = [
    ' ▐▛███▜▌   Claude Code (wake bench idle agent)',
    `▝▜█████▛▘  ${submitted} prompt(s) taken`,
    '',
    busy ? '✽ Percolating…' : '',
    rule,
    `❯ ${input}`,
    rule,
    busy ? '  ⏵⏵ auto mode on · esc to interrupt' : '  ⏵⏵ auto mode on (shift+tab to cycle)',
  ];
  // Home, each line erased then drawn, everything below erased: one write per frame.
  process.stdout.write('\u001b[H' + lines.map((l) => '\u001b[2K' + l).join('\n') + '\u001b[J');
}

function submit() {
  if (!input.trim() || busy) return;
  submitted++;
  input = '';
  busy = true;
  draw();
  setTimeout(() => {
    busy = false;
    draw();
  }, busyMs);
}

function receive(data) {
  let rest = data;
  while (rest.length) {
    if (pasting) {
      const end = rest.indexOf(PASTE_END);
      input += (end < 0 ? rest : rest.slice(0, end)).replace(/[\r\n]+/g, ' ');
      if (end < 0) break;
      pasting = false;
      rest = rest.slice(end + PASTE_END.length);
      continue;
    }
    const start = rest.indexOf(PASTE_START);
    const keys = start < 0 ? rest : rest.slice(0, start);
    for (const ch of keys) {
      if (ch === '\r' || ch === '\n') submit();
      else if (ch === '\u0003') process.exit(0);
      else if (ch === '\u007f') input = input.slice(0, -1);
      else if (ch >= ' ') input += ch;
    }
    if (start < 0) break;
    if (logFile) appendFileSync(logFile, `${(performance.timeOrigin + performance.now()).toFixed(3)}\n`);
    pasting = true;
    rest = rest.slice(start + PASTE_START.length);
  }
  draw();
}

process.stdin.setEncoding('utf8');
if (process.stdin.isTTY) process.stdin.setRawMode(true);
process.stdin.on('data', receive);
process.stdout.on('resize', draw);
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(0));
// Bracketed paste on, screen cleared, then the idle box.
process.stdout.write('\u001b[?2004h\u001b[2J');
draw();
