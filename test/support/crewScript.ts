// The scripted model the real-CLI tests drive their crews with.
import type { StubReply, StubRequest } from './modelStub.js';

interface InboxMessage {
  id: number;
  from: string;
  text: string;
  type?: string;
}

/**
 * The crew's model: on a studio notice (typed, or from a hook), call check_inbox; then act on the first message:
 * "ping NAME" -> send "ping" to NAME; "ping" -> reply "pong"; "pong" -> say so and stop;
 * "slow" -> think for a while; "run" -> ask to run a shell command.
 */
export function crewScript(req: StubRequest): StubReply {
  const last = req.toolResults[req.toolResults.length - 1];
  if (last) {
    if (last.text.startsWith('{"messages"')) {
      const messages = (JSON.parse(last.text) as { messages: InboxMessage[] }).messages;
      const m = messages[0];
      if (!m) return { text: 'Inbox was empty.' };
      const target = /^ping (\S+)$/.exec(m.text)?.[1];
      if (target)
        return { toolUse: { name: 'mcp__studio__send_message', input: { to: target, text: 'ping' } } };
      if (m.text === 'ping') {
        return {
          toolUse: { name: 'mcp__studio__send_message', input: { to: m.from, text: 'pong', reply_to: m.id } },
        };
      }
      if (m.text === 'pong') return { text: `Got pong from ${m.from}.` };
      if (m.text === 'slow') return { text: 'Thinking hard...', delayMs: 5000 };
      if (m.text === 'run') {
        return {
          toolUse: {
            name: 'Bash',
            input: { command: 'touch ran-by-agent.txt', description: 'Create a marker file' },
          },
        };
      }
      return { text: `Read: ${messages.map((x) => x.text).join(' | ')}` };
    }
    return { text: `Done (${last.text.slice(0, 60)}).` };
  }
  // A notice typed as the prompt, or handed over by a studio hook (a Stop hook's feedback).
  if (req.prompt.startsWith('[studio]') || req.notices.length)
    return { toolUse: { name: 'mcp__studio__check_inbox', input: {} } };
  return { text: 'Ready.' };
}
