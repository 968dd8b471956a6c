import type { Disposable } from '../../contract/events.js';
import type { Agent } from '../../contract/model.js';
import type { TerminalOutput, TerminalSnapshot } from '../../contract/service.js';
import type { AgentSessions } from '../sessions/agentSessions.js';
import type { OutputConsumer } from '../sessions/ptySession.js';

interface Attachment {
  name: string;
  generation: number;
  /** Output before this stream position is already in the snapshot the viewer drew. */
  fromSeq: number;
  consumer: OutputConsumer | undefined;
}

/**
 * The terminals one connection (a window, a browser tab) has attached. Output is forwarded from
 * the snapshot's stream position on, so nothing is drawn twice or lost; when the agent's process
 * is replaced (restart), the viewer is told to reset and follows the new one.
 */
export class TerminalViewer implements Disposable {
  private readonly attached = new Map<number, Attachment>();
  private readonly subscription: Disposable;

  constructor(
    private readonly sessions: AgentSessions,
    private readonly resolve: (name: string) => Agent,
    private readonly send: (output: TerminalOutput) => void,
  ) {
    this.subscription = sessions.onDidOutput((e) => {
      const a = this.attached.get(e.agentId);
      if (!a) return;
      let reset = false;
      if (e.generation !== a.generation) {
        // A new process: start it from its first byte, with flow control on it instead.
        if (e.generation < a.generation) return;
        a.consumer?.dispose();
        a.consumer = sessions.addConsumer(e.agentId);
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

  async attach(name: string): Promise<TerminalSnapshot> {
    const agent = this.resolve(name);
    this.detachId(agent.id);
    const snap = await this.sessions.snapshot(agent.name);
    // Registered in the same tick the snapshot was taken, so the next chunk lines up with it.
    this.detachId(agent.id);
    this.attached.set(agent.id, {
      name: agent.name,
      generation: snap.generation,
      fromSeq: snap.seq,
      consumer: snap.running ? this.sessions.addConsumer(agent.id) : undefined,
    });
    return {
      agentId: agent.id,
      name: agent.name,
      data: snap.data,
      cols: snap.cols,
      rows: snap.rows,
      running: snap.running,
    };
  }

  detach(name: string): void {
    this.detachId(this.resolve(name).id);
  }

  private detachId(agentId: number): void {
    this.attached.get(agentId)?.consumer?.dispose();
    this.attached.delete(agentId);
  }

  input(name: string, data: string): void {
    this.sessions.input(this.resolve(name).name, data);
  }

  resize(name: string, cols: number, rows: number): void {
    this.sessions.resize(this.resolve(name).name, cols, rows);
  }

  ack(agentId: number, chars: number): void {
    if (!Number.isFinite(chars) || chars <= 0) return;
    this.attached.get(agentId)?.consumer?.ack(chars);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const id of [...this.attached.keys()]) this.detachId(id);
  }
}
