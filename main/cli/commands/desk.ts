// `ccstudio queue` and `ccstudio answer`: the person's desk from the command line. The queue lists
// what waits for the person across all agents; an answer goes to exactly the item it names, or is
// refused with why (that prompt has gone, it takes no such answer) and nothing changes.
import type { DeskAnswerInput, DeskItem } from '../../contract/desk.js';
import { formatDuration } from '../../contract/exits.js';
import type { CommandTree } from '../kit/commandKit.js';
import { json, out } from '../kit/io.js';
import { printableBlock, printableLine } from '../kit/printable.js';
import type { CommandContext } from '../kit/studioAccess.js';
import { noMore, usageError } from '../kit/usage.js';

export function deskCommands(tree: CommandTree): void {
  tree.studioCommand(
    tree.root,
    {
      name: 'queue',
      summary: 'Everything that waits for you across all agents, oldest first.',
      options: [
        { name: 'json', help: 'print JSON (each item with id, kind, agent, since, detail, options)' },
      ],
      examples: ['ccstudio queue', 'ccstudio queue --json'],
    },
    queueCommand,
  );
  tree.studioCommand(
    tree.root,
    {
      name: 'answer',
      args: '[words...]',
      summary: 'Answers one item of the queue: allow, deny, an option, typed text, release or restart.',
      options: [
        {
          name: 'note',
          value: 'TEXT',
          help: 'with deny: what the agent should do instead (the model reads it)',
        },
        { name: 'choose', value: 'N', help: "the question's option N" },
        { name: 'text', value: 'TEXT', help: 'a typed answer to the question' },
        { name: 'json', help: 'print JSON' },
      ],
      examples: [
        'ccstudio answer p4 allow',
        "ccstudio answer p4 deny --note 'run the tests first'",
        'ccstudio answer q7 --choose 2',
        'ccstudio answer h2 release',
      ],
    },
    answerCommand,
  );
}

async function queueCommand({ values, words, service }: CommandContext): Promise<number> {
  noMore(words, 'queue');
  const items = await service.queue();
  if (values.json) json(items);
  else if (!items.length) out('Nothing waits for you.');
  else {
    const now = Date.now();
    for (const item of items) out(itemLines(item, now));
  }
  return 0;
}

/** One item as the queue prints it: id, kind, title and wait; then its detail and options. */
function itemLines(item: DeskItem, now: number): string {
  const head = `${item.id}  ${item.kind}  ${printableLine(item.title)}  (${formatDuration(now - item.since)})`;
  const lines = [head];
  if (item.detail) lines.push(printableBlock(item.detail));
  for (const o of item.options ?? []) lines.push(`    ${o.number}. ${printableLine(o.label)}`);
  if (item.answers.length) lines.push(`    answer: ${item.answers.join(', ')}`);
  return lines.join('\n');
}

async function answerCommand({ values, words, service }: CommandContext): Promise<number> {
  const [id, verb, ...rest] = words;
  noMore(rest, 'answer');
  const input = answerInput(id, verb, values);
  const done = await service.answer(input);
  if (values.json) json(done);
  else
    out(
      `${done.id}: answered${done.via === 'hook' ? ' (through its permission hook)' : done.via === 'keys' ? ' (keys pressed)' : ''}.`,
    );
  return 0;
}

function answerInput(
  id: string | undefined,
  verb: string | undefined,
  values: CommandContext['values'],
): DeskAnswerInput {
  if (!id) throw usageError('Name the item to answer (`ccstudio queue` lists them).', 'answer');
  const given = [verb !== undefined, values.choose !== undefined, values.text !== undefined].filter(Boolean);
  if (given.length !== 1)
    throw usageError('Give one answer: allow, deny, --choose N, --text TEXT, release or restart.', 'answer');
  if (values.note !== undefined && verb !== 'deny')
    throw usageError('--note goes with deny (what the agent should do instead).', 'answer');
  if (values.choose !== undefined) {
    const n = Number(values.choose);
    if (!/^\d+$/.test(values.choose) || n < 1)
      throw usageError('--choose takes an option number, e.g. --choose 2.', 'answer');
    return { id, choose: n };
  }
  if (values.text !== undefined) return { id, text: values.text };
  if (verb === 'allow' || verb === 'deny')
    return { id, verdict: verb, ...(values.note !== undefined ? { note: values.note } : {}) };
  if (verb === 'release' || verb === 'restart') return { id, action: verb };
  throw usageError(`"${verb}" is not an answer: use allow, deny, release or restart.`, 'answer');
}
