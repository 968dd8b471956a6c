import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentState } from '../../../../main/contract/model.js';
import {
  AgentStateTracker,
  CLASSIFY_DEBOUNCE_MS,
  CLASSIFY_MAX_LOOP_SHARE,
  IDLE_QUIET_MS,
  PLAIN_BUSY_MS,
  STUCK_AFTER_MS,
  UNRECOGNISED_AFTER_MS,
  type SessionFlavor,
} from '../../../../main/core/sessions/agentStateTracker.js';
import { CLASSIFY_TAIL_LINES, type ScreenReading } from '../../../../main/core/sessions/screenClassifier.js';
import { ScreenMirror } from '../../../../main/core/sessions/screenMirror.js';
import { FakeClock } from '../../../support/fakeClock.js';

// The tracker with a fake clock and a real mirror showing screens recorded from Claude Code
// 2.1.330 (100x30).
const DIR = join(process.cwd(), 'test/fixtures/screens/claude-2.1.330');
const fixture = (name: string) => readFileSync(join(DIR, `${name}.txt`), 'utf8');

const trackers: Array<{ tracker: AgentStateTracker; mirror: ScreenMirror }> = [];

function setup(flavor: SessionFlavor, size = { cols: 100, rows: 30 }) {
  const clock = new FakeClock();
  const mirror = new ScreenMirror(size.cols, size.rows);
  const changes: Array<{ state: AgentState; reading: ScreenReading }> = [];
  const tracker = new AgentStateTracker({
    mirror,
    clock,
    flavor,
    onChange: (state, reading) => changes.push({ state, reading }),
  });
  trackers.push({ tracker, mirror });
  const settle = async () => {
    await mirror.settled();
    // classify() awaits the mirror, then reads it: let its continuation run.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    clock,
    mirror,
    tracker,
    changes,
    states: () => changes.map((c) => c.state),
    settle,
    /** The program redraws the whole screen with a recorded one; the tracker sees the output. */
    async show(screen: string) {
      mirror.write('\x1b[2J\x1b[H' + screen.replace(/\n/g, '\r\n'));
      tracker.output();
      clock.advance(CLASSIFY_DEBOUNCE_MS);
      await settle();
    },
    /** Time passes with no output; timers due meanwhile fire. */
    async quiet(ms: number) {
      clock.advance(ms);
      await settle();
    },
    async hook(payload: Parameters<AgentStateTracker['hook']>[0], continues = false) {
      tracker.hook(payload, continues);
      await settle();
    },
  };
}

afterEach(() => {
  for (const { tracker, mirror } of trackers.splice(0)) {
    tracker.dispose();
    mirror.dispose();
  }
});

describe('AgentStateTracker: hooks first, the screen confirms', () => {
  it('says "unrecognised" when a hook said ready and the screen matches nothing known, never "starting" for ever', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show('A screen from a Claude Code the studio has never seen\n>>> \n');
    await t.hook({ hook_event_name: 'SessionStart', source: 'startup' });
    await t.quiet(UNRECOGNISED_AFTER_MS - 100);
    expect(t.tracker.state).toBe('starting');
    await t.quiet(200);
    expect(t.tracker.state).toBe('unrecognised');
    // Hooks still tell busy from not: a turn starts, and the state follows them.
    await t.hook({ hook_event_name: 'UserPromptSubmit' });
    expect(t.tracker.state).toBe('busy');
    await t.hook({ hook_event_name: 'Stop', stop_hook_active: false });
    expect(t.tracker.state).toBe('unrecognised');
    // A known screen ends it.
    await t.show(fixture('idle'));
    expect(t.tracker.state).toBe('idle');
  });

  it('is stuck when busy with no output and no hook for STUCK_AFTER_MS; a hook or output ends it', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show(fixture('busy'));
    expect(t.tracker.state).toBe('busy');
    await t.quiet(STUCK_AFTER_MS - 1000);
    expect(t.tracker.state).toBe('busy');
    await t.hook({ hook_event_name: 'PostToolUse', tool_name: 'Bash' });
    await t.quiet(STUCK_AFTER_MS - 1000);
    expect(t.tracker.state).toBe('busy');
    await t.quiet(2000);
    expect(t.tracker.state).toBe('stuck');
    await t.show(fixture('busy'));
    expect(t.tracker.state).toBe('busy');
  });

  it('stays busy through a Stop the studio answered with a block, and reads a background shell', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show(fixture('idle'));
    await t.hook({ hook_event_name: 'UserPromptSubmit' });
    await t.hook({ hook_event_name: 'Stop', stop_hook_active: false }, true);
    await t.show(fixture('idle'));
    // Output still flowing in a turn the hooks say goes on: busy, not idle.
    expect(t.tracker.state).toBe('busy');
    await t.quiet(IDLE_QUIET_MS);
    expect(t.tracker.state).toBe('idle');
    await t.hook({ hook_event_name: 'Stop', stop_hook_active: false });
    await t.show(fixture('idle-background-shell'));
    expect(t.tracker.state).toBe('waiting_shell');
  });

  it('takes PermissionRequest as waiting for permission until the screen shows otherwise', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show('something unknown\n');
    await t.hook({ hook_event_name: 'PermissionRequest', tool_name: 'Bash' });
    expect(t.tracker.state).toBe('waiting_permission');
  });
});

describe('AgentStateTracker for Claude Code', () => {
  it('is starting until the idle box shows, then idle', async () => {
    const t = setup('claude');
    t.tracker.started();
    expect(t.tracker.state).toBe('starting');
    await t.show('Loading...\n');
    expect(t.tracker.state).toBe('starting');
    await t.show(fixture('idle'));
    expect(t.tracker.state).toBe('idle');
    expect(t.states()).toEqual(['starting', 'idle']);
  });

  it('reads busy, permission and picker screens', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show(fixture('busy'));
    expect(t.tracker.state).toBe('busy');
    await t.show(fixture('permission'));
    expect(t.tracker.state).toBe('waiting_permission');
    expect(t.tracker.screen.options.map((o) => o.label)[0]).toBe('Yes');
    expect(t.changes.at(-1)!.reading.options).toHaveLength(4);
    await t.show(fixture('picker-model'));
    expect(t.tracker.state).toBe('waiting_select');
    await t.show(fixture('ask-question-text-option'));
    expect(t.tracker.state).toBe('waiting_text');
    await t.show(fixture('idle-unsent-text'));
    expect(t.tracker.state).toBe('idle');
    expect(t.tracker.screen.input).toBe('typed but not sent');
  });

  it('stays busy on an idle-looking screen while a hook-opened turn still prints, then idles', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show(fixture('idle'));
    await t.hook({ hook_event_name: 'UserPromptSubmit' });
    // Between tool calls the screen can look idle; the turn is open and output is recent.
    await t.show(fixture('idle'));
    expect(t.tracker.state).toBe('busy');
    await t.quiet(IDLE_QUIET_MS - 100);
    expect(t.tracker.state).toBe('busy');
    await t.quiet(200);
    expect(t.tracker.state).toBe('idle');
  });

  it('goes idle at once on the Stop hook', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show(fixture('idle'));
    await t.hook({ hook_event_name: 'UserPromptSubmit' });
    await t.show(fixture('busy'));
    expect(t.tracker.state).toBe('busy');
    await t.show(fixture('idle'));
    await t.hook({ hook_event_name: 'Stop', stop_hook_active: false });
    expect(t.tracker.state).toBe('idle');
  });

  it('trusts a permission_prompt notification when the screen is not recognised', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show(fixture('idle'));
    await t.show('something the table does not know\n');
    expect(t.tracker.state).toBe('idle');
    await t.hook({ hook_event_name: 'Notification', notification_type: 'permission_prompt' });
    expect(t.tracker.state).toBe('waiting_permission');
    // Once the screen shows the idle box again, the hint is dropped.
    await t.show(fixture('after-permission-esc'));
    expect(t.tracker.state).toBe('idle');
  });

  it('reports a menu change even when the state stays the same', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show(fixture('permission'));
    const before = t.changes.length;
    await t.show(fixture('permission').replace(' ❯ 1. Yes', '   1. Yes').replace('   2. Yes,', ' ❯ 2. Yes,'));
    expect(t.tracker.state).toBe('waiting_permission');
    expect(t.changes.length).toBe(before + 1);
    expect(t.changes.at(-1)!.reading.options.find((o) => o.focused)?.number).toBe(2);
    // The same screen again: no change reported.
    await t.show(fixture('permission').replace(' ❯ 1. Yes', '   1. Yes').replace('   2. Yes,', ' ❯ 2. Yes,'));
    expect(t.changes.length).toBe(before + 1);
  });

  it('is exited after exit, whatever is on screen or pending', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show(fixture('idle'));
    t.tracker.output();
    t.tracker.exited();
    expect(t.tracker.state).toBe('exited');
    await t.quiet(5000);
    await t.hook({ hook_event_name: 'Stop', stop_hook_active: false });
    expect(t.tracker.state).toBe('exited');
    t.tracker.started();
    expect(t.tracker.state).toBe('starting');
  });
});

describe('AgentStateTracker for a plain command', () => {
  it('is busy while it prints, idle after PLAIN_BUSY_MS of quiet', async () => {
    const t = setup('plain');
    t.tracker.started();
    await t.show('$ make\ncompiling...\n');
    expect(t.tracker.state).toBe('busy');
    await t.quiet(PLAIN_BUSY_MS - 100);
    expect(t.tracker.state).toBe('busy');
    await t.quiet(200);
    expect(t.tracker.state).toBe('idle');
    // A start is always announced (the wake engine re-arms on it), then the plain-terminal states.
    expect(t.states()).toEqual(['starting', 'busy', 'idle']);
  });

  it('still reads dialogs and the input box off the screen', async () => {
    const t = setup('plain');
    t.tracker.started();
    await t.show(fixture('permission'));
    expect(t.tracker.state).toBe('waiting_permission');
    await t.show(fixture('idle-unsent-text'));
    await t.quiet(PLAIN_BUSY_MS + 10);
    expect(t.tracker.state).toBe('idle');
    expect(t.tracker.screen.input).toBe('typed but not sent');
  });
});

describe('AgentStateTracker reads the screen boundedly', () => {
  it('reads one screen at a time: output that keeps coming lines up one more read, not one per tick', async () => {
    const t = setup('claude');
    t.tracker.started();
    await t.show(fixture('idle'));
    // The copy is still drawing (a flood): every read waits for it.
    let drawn!: () => void;
    const drawing = new Promise<void>((resolve) => (drawn = resolve));
    const settled = vi.spyOn(t.mirror, 'settled').mockImplementation(() => drawing);
    const reads = vi.spyOn(t.mirror, 'tail');
    for (let i = 0; i < 50; i++) {
      t.tracker.output();
      t.clock.advance(CLASSIFY_DEBOUNCE_MS);
    }
    t.tracker.hook({ hook_event_name: 'UserPromptSubmit' });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(reads).not.toHaveBeenCalled();
    settled.mockRestore();
    drawn();
    await t.settle();
    // The read that waited, then one more for everything that came meanwhile.
    expect(reads).toHaveBeenCalledTimes(2);
    expect(t.tracker.state).toBe('busy');
  });

  it('reads a screen that is slow to read less often, at most CLASSIFY_MAX_LOOP_SHARE of the time', async () => {
    const t = setup('plain');
    t.tracker.started();
    const slowReadMs = 50;
    const tail = t.mirror.tail.bind(t.mirror);
    const reads = vi.spyOn(t.mirror, 'tail').mockImplementation((n) => {
      t.clock.time += slowReadMs; // the read takes this long on the tracker's clock
      return tail(n);
    });
    await t.show('$ make\ncompiling...\n');
    expect(reads).toHaveBeenCalledTimes(1);
    t.tracker.output();
    await t.quiet(CLASSIFY_DEBOUNCE_MS);
    expect(reads).toHaveBeenCalledTimes(1);
    await t.quiet(slowReadMs / CLASSIFY_MAX_LOOP_SHARE - CLASSIFY_DEBOUNCE_MS);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('reads only the rows the classifier looks at, up from the last one with text', async () => {
    const t = setup('claude');
    t.tracker.started();
    const reads = vi.spyOn(t.mirror, 'tail');
    await t.show(fixture('idle'));
    expect(reads).toHaveBeenCalledWith(CLASSIFY_TAIL_LINES);
    expect(t.tracker.state).toBe('idle');
  });
});

// First starts recorded from 2.1.332 at 120x36: the folder-trust question, a Claude Code that is
// not logged in.
describe('a first start that waits for the person', () => {
  const recorded = (name: string) =>
    readFileSync(join(process.cwd(), `test/fixtures/screens/claude-2.1.332/${name}.txt`), 'utf8');

  it('the folder-trust question is waiting for the person, never "starting"; answered, it starts', async () => {
    const t = setup('claude', { cols: 120, rows: 36 });
    t.tracker.started();
    await t.show(recorded('trust'));
    expect(t.tracker.state).toBe('waiting_trust');
    expect(t.tracker.screen.options.map((o) => o.label)).toEqual(['No, exit', 'Yes, I trust this folder']);
    // No hook comes before it is answered; time alone changes nothing.
    await t.quiet(60_000);
    expect(t.tracker.state).toBe('waiting_trust');
    await t.show(recorded('idle'));
    await t.hook({ hook_event_name: 'SessionStart', source: 'startup' });
    expect(t.states()).toEqual(['starting', 'waiting_trust', 'idle']);
  });

  it('a Claude Code that is not logged in waits for a login, whatever its hooks say, before and after a prompt', async () => {
    const t = setup('claude', { cols: 120, rows: 36 });
    t.tracker.started();
    await t.hook({ hook_event_name: 'SessionStart', source: 'startup' });
    await t.show(recorded('not-logged-in'));
    expect(t.tracker.state).toBe('waiting_login');
    await t.hook({ hook_event_name: 'UserPromptSubmit' });
    await t.show(recorded('not-logged-in-after-prompt'));
    await t.quiet(IDLE_QUIET_MS);
    expect(t.tracker.state).toBe('waiting_login');
    expect(t.states()).not.toContain('idle');
  });
});
