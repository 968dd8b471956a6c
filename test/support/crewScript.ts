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

/** The question deskScript's agent asks the person. */
export const QUESTION = 'Which database should we use?';

/**
 * The model of the queue's tests: on a studio notice, read the inbox; "run N" asks to append N to
 * runs.txt with Bash (each run counted); "ask" asks the person QUESTION (SQLite or Postgres); a
 * tool's result is said back in one line.
 */
export function deskScript(req: StubRequest): StubReply {
  const last = req.toolResults[req.toolResults.length - 1];
  if (last?.text.startsWith('{"messages"')) {
    const text = (JSON.parse(last.text) as { messages: InboxMessage[] }).messages[0]?.text ?? '';
    const run = /^run (\d+)$/.exec(text)?.[1];
    if (run)
      return {
        toolUse: { name: 'Bash', input: { command: `echo ${run} >> runs.txt`, description: 'Count a run' } },
      };
    if (text === 'ask')
      return { toolUse: { name: 'AskUserQuestion', input: { questions: [DATABASE_QUESTION] } } };
    return { text: `Read: ${text}` };
  }
  if (last) return { text: `Tool said: ${last.text.slice(0, 200)}` };
  if (req.prompt.startsWith('[studio]') || req.notices.length)
    return { toolUse: { name: 'mcp__studio__check_inbox', input: {} } };
  return { text: 'Ready.' };
}

const DATABASE_QUESTION = {
  question: QUESTION,
  header: 'Database',
  options: [
    { label: 'SQLite', description: 'Embedded' },
    { label: 'Postgres', description: 'Server' },
  ],
  multiSelect: false,
};
