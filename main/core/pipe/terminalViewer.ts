import type { Disposable } from '../../contract/events.js';
import type { Agent } from '../../contract/model.js';
import type { TerminalOutput, TerminalSnapshot } from '../../contract/service.js';
import type { AgentSessions } from '../sessions/agentSessions.js';
import type { OutputConsumer } from '../sessions/ptySession.js';
import { isTerminalReport } from '../sessions/terminalReports.js';

/**
 * live: output is forwarded and acknowledged; hidden: the window is not drawing (it said so);
 * stalled: it stopped acknowledging while far behind; resyncing: a fresh snapshot is on its way.
 * Only a live attachment gets output or holds the agent back.
 */
type AttachmentState = 'live' | 'hidden' | 'stalled' | 'resyncing';

interface Attachment {
  agentId: number;
  name: string;
  generation: number;
  /** Output before this stream position is already in the snapshot the viewer drew. */
  fromSeq: number;
  consumer: OutputConsumer | undefined;
  state: AttachmentState;
}

/**
 * The terminals one connection (a window, a browser tab) has attached. Output is forwarded from
 * the snapshot's stream position on, so nothing is drawn twice or lost; when the agent's process
 * is replaced (restart), the viewer is told to reset and follows the new one.
 *
 * A viewer holds an agent back (flow control) only while it is visible and drawing. A hidden
 * viewer, or one that stops acknowledging, gets no more output and lets the agent run; when it
 * draws again it gets a fresh snapshot in place of what it missed.
 */
export class TerminalViewer implements Disposable {
  private readonly attached = new Map<number, Attachment>();
  private readonly subscription: Disposable;
  private visible = true;
  private disposed = false;

  constructor(
    private readonly sessions: AgentSessions,
    private readonly resolve: (name: string) => Agent,
    private readonly send: (output: TerminalOutput) => void,
    /** Wakes a sleeping agent (core/sleep): the person typing into its tile does. */
    private readonly wake?: (name: string) => void,
  ) {
    this.subscription = sessions.onDidOutput((e) => {
      const a = this.attached.get(e.agentId);
      if (!a || a.state !== 'live') return;
      let reset = false;
      if (e.generation !== a.generation) {
        // A new process: start it from its first byte, with flow control on it instead.
        if (e.generation < a.generation) return;
        a.consumer?.dispose();
        a.consumer = this.consumerFor(a);
        a.generation = e.generation;
        a.fromSeq = 0;
        reset = true;
      }
      const end = e.seq + e.data.length;
      if (end <= a.fromSeq) {
        a.consumer?.ack(e.data.length);
        return;
      }
      const skip = Math.max(0, a.fromSeq - e.seq);
      // The part the snapshot already had counts as drawn, or it would hold the agent paused.
      if (skip) a.consumer?.ack(skip);
      a.fromSeq = end;
      this.send({
        agentId: e.agentId,
        data: skip ? e.data.slice(skip) : e.data,
        ...(reset ? { reset } : {}),
      });
    });
  }

  private consumerFor(a: Attachment): OutputConsumer | undefined {
    return this.sessions.addConsumer(a.agentId, () => {
      if (this.attached.get(a.agentId) !== a || a.state !== 'live') return;
      // Not drawing: no more output for it, and no hold on the agent until it draws again.
      a.state = 'stalled';
      a.consumer?.dispose();
      a.consumer = undefined;
    });
  }

  async attach(name: string): Promise<TerminalSnapshot> {
    const agent = this.resolve(name);
    this.detachId(agent.id);
    const snap = await this.sessions.snapshot(agent.name);
    // Registered in the same tick the snapshot was taken, so the next chunk lines up with it.
    this.detachId(agent.id);
    const a: Attachment = {
      agentId: agent.id,
      name: agent.name,
      generation: snap.generation,
      fromSeq: snap.seq,
      consumer: undefined,
      state: this.visible ? 'live' : 'hidden',
    };
    this.attached.set(agent.id, a);
    if (snap.running && a.state === 'live') a.consumer = this.consumerFor(a);
    return {
      agentId: agent.id,
      name: agent.name,
      data: snap.data,
      cols: snap.cols,
      rows: snap.rows,
      running: snap.running,
    };
  }

  /**
   * The window became hidden (no drawing: its output would only queue) or visible again (every
   * terminal is brought up to date with a fresh snapshot).
   */
  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    if (!visible) {
      for (const a of this.attached.values()) {
        a.state = 'hidden';
        a.consumer?.dispose();
        a.consumer = undefined;
      }
      return;
    }
    // One screen after another rather than every tile's scrollback at once.
    const behind = [...this.attached.values()].filter((a) => a.state === 'hidden' || a.state === 'stalled');
    void (async () => {
      for (const a of behind) await this.resync(a);
    })();
  }

  /** Replaces what a viewer missed with the screen as it is now, then streams on from there. */
  private async resync(a: Attachment): Promise<void> {
    a.state = 'resyncing';
    let snap;
    try {
      snap = await this.sessions.snapshot(a.name);
    } catch {
      // The agent's terminal is gone (removed, or the studio is stopping): nothing to catch up on.
      if (this.attached.get(a.agentId) === a) this.attached.delete(a.agentId);
      return;
    }
    if (this.disposed || this.attached.get(a.agentId) !== a || a.state !== 'resyncing') return;
    if (!this.visible) {
      a.state = 'hidden';
      return;
    }
    a.generation = snap.generation;
    a.fromSeq = snap.seq;
    a.state = 'live';
    a.consumer = snap.running ? this.consumerFor(a) : undefined;
    this.send({
      agentId: a.agentId,
      data: snap.data,
      reset: true,
      snapshot: { cols: snap.cols, rows: snap.rows },
    });
  }

  detach(name: string): void {
    this.detachId(this.resolve(name).id);
  }

  private detachId(agentId: number): void {
    this.attached.get(agentId)?.consumer?.dispose();
    this.attached.delete(agentId);
  }

  input(name: string, data: string): void {
    const agent = this.resolve(name);
    // Asleep, its Claude Code is not there to take the keys: the person typing wakes it.
    if (agent.sleep.asleepSince && this.wake) {
      if (!isTerminalReport(data)) this.wake(agent.name);
      return;
    }
    this.sessions.input(agent.name, data);
  }

  resize(name: string, cols: number, rows: number): void {
    this.sessions.resize(this.resolve(name).name, cols, rows);
  }

  ack(agentId: number, chars: number): void {
    if (!Number.isFinite(chars) || chars <= 0) return;
    const a = this.attached.get(agentId);
    if (!a) return;
    // A stalled viewer acknowledging again is drawing again: it catches up from a snapshot.
    if (a.state === 'stalled' && this.visible) void this.resync(a);
    else a.consumer?.ack(chars);
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
    for (const id of [...this.attached.keys()]) this.detachId(id);
  }
}
