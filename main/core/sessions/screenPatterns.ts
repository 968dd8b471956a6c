// Every string the studio reads off Claude Code's screen, in one table. They change between CLI
// versions: each entry is tested against screens recorded from the real CLI
// (test/fixtures/screens/claude-<version>/). Add a version's strings here, never inline elsewhere.

export const SCREEN_PATTERNS = {
  /** The footer while a turn runs. */
  busyFooter: [/esc to interrupt/i],
  /** The spinner line above the input box while a turn runs: "✽ Percolating… (1s · ↓ 8 tokens)". */
  spinnerLine: [/^[✻✽✶✳✢·*●◐◑◒◓]\s+[A-Z][\w'-]*…(\s+\(.*\))?$/u],
  /** Input typed while busy waits in a queue. */
  queued: [/Queued · ctrl\+x ctrl\+s to send now/, /Press up to edit queued messages/],
  /** Tool permission dialogs. */
  permission: [
    /Do you want to proceed\?/,
    /Do you want to (make this edit|create|allow|run)/,
    /No, and tell Claude what to do differently/,
  ],
  /** Pickers and question menus. */
  pickerFooter: [
    /Enter to select · ↑\/↓ to navigate/,
    /Enter to (select|save|confirm) · Esc to cancel/,
    /Esc to cancel/,
  ],
  /**
   * The folder-trust dialog at a first start in a folder (2.1: "Accessing workspace: ... Is this a
   * project you created or one you trust?"; 2.0: "Do you trust the files in this folder?").
   */
  trust: [/Yes, I trust this folder/, /Do you trust the files in this folder\?/],
  /**
   * Its answers: numbered up to 2.1.200 ("❯ 1. Yes, I trust this folder", 2.0: "1. Yes, proceed"),
   * not numbered from 2.1.330, where "❯ No, exit" comes first and has the focus.
   */
  trustOption: /^\s*(❯)?\s*(?:(\d+)\.\s+)?(Yes, I trust this folder|Yes, proceed|No, exit)\s*$/,
  /**
   * The notice of a Claude Code that is not logged in, in its footer or just above its input box
   * (2.0: "Missing API key · Run /login").
   */
  notLoggedIn: [/Not logged in · [Rr]un \/login/, /Missing API key · [Rr]un \/login/],
  /** The idle input box's footer hints. */
  idleFooter: [
    /\? for shortcuts/,
    /auto mode on \(shift\+tab to cycle\)/,
    /manual mode on/,
    /accept edits on/,
    /plan mode on/,
    /bypass permissions on/,
  ],
  /** The footer while a shell the agent started in the background runs (2.0: "1 background task"). */
  backgroundShell: [/(^|[\s·])\d+ shells?\b/, /(^|[\s·])\d+ background tasks?\b/],
  /** The empty input box's grey example (2.0), shown only while the "? for shortcuts" hint is. */
  placeholder: [/^Try ".*"$/],
  /** The empty input box's grey line after a prompt failed (2.1.330: not logged in). */
  resendPlaceholder: [/^Once fixed, resend your message$/],
  /** The footer hint shown only while the input box is empty. */
  emptyInputHint: [/\? for shortcuts/],
  /**
   * A dialog's footer that names a key per answer, with no menu (2.1.330's "Auto mode can't check
   * actions in this session": "Enter to stay in auto mode · shift+Tab to leave for accept edits
   * mode and stop · Esc to cancel"). Read only when it starts with Enter: the footers of menus and
   * of the input box name keys too, but never Enter first.
   */
  keyFooter: /^\s*Enter to \S/,
  /** One "KEY to ANSWER" of such a footer, the key one the studio can press. */
  keyAnswer: /^(Enter|Esc|Tab|shift\+Tab) to (.+)$/i,
  /** A menu drawn without numbers (2.1.330's "❯ No / Yes"): the focused row starts with ❯. */
  focusedRow: /^(\s*)❯\s+(\S.*)$/,
  /** A numbered menu option; the focused one starts with ❯. */
  option: /^\s*(❯)?\s*(\d+)\.\s+(.*)$/,
  /** The input prompt at the start of a line: "❯ " (2.0: "> ") followed by whatever is typed. */
  inputLine: /^[❯>]\s?(.*)$/,
  /** The rules drawn above and below the input box. */
  rule: /^[─━]{20,}/,
} as const;
