// The scene the README's screenshot shows: a small project (tally, a word counter) and the model's
// side of a commander and two agents working on it, as the scripted model stub plays it to the
// real Claude Code CLI. Every tool call is real: Claude Code reads and edits the files, runs the
// tests and calls the studio's MCP tools; only the model's choices are scripted.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { agentOf } from '../support/claudeHarness.js';
import type { StubReply, StubRequest, StubScript } from '../support/modelStub.js';

const COUNT_JS = `export function count(text) {
  const counts = new Map();
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}
`;

const CLI_JS = `#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { count } from './count.js';

const [file] = process.argv.slice(2);
const text = readFileSync(file ?? 0, 'utf8');
for (const [word, n] of count(text).slice(0, 10)) {
  console.log(\`\${String(n).padStart(5)}  \${word}\`);
}
`;

const TEST_JS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count } from '../src/count.js';

test('counts words, most frequent first', () => {
  assert.deepEqual(count('b a b'), [['b', 2], ['a', 1]]);
});

test('ignores case', () => {
  assert.deepEqual(count('The the'), [['the', 2]]);
});
`;

const FILES: Record<string, string> = {
  'package.json': JSON.stringify(
    {
      name: 'tally',
      version: '0.1.0',
      type: 'module',
      bin: { tally: 'src/cli.js' },
      scripts: { test: 'node --test' },
    },
    null,
    2,
  ),
  'README.md': '# tally\n\nCounts the words in a file, most frequent first.\n\n    tally notes.txt\n',
  'src/count.js': COUNT_JS,
  'src/cli.js': CLI_JS,
  'test/count.test.js': TEST_JS,
};

/** Writes the project into `dir` as a git repository with one commit on main. */
export function writeProject(dir: string, env: NodeJS.ProcessEnv): void {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Sam', '-c', 'user.email=sam@example.com', ...args], {
      cwd: dir,
      env,
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'tally: count words, most frequent first');
}

/** The person's request that starts the scene. */
export const REQUEST =
  'Next for tally 0.2: a --json flag, and ties in a stable (alphabetical) order. Split it between agent-1 and agent-2.';

/** Task ids as the scene creates them: the seeded ones first, then the commander's three. */
export const TASK = { setup: 1, publish: 2, json: 3, ties: 4, readme: 5 } as const;

/** Holds a turn open (the agent shows Claude Code's spinner) until the screenshot is taken. */
export interface Hold {
  readonly waiting: Set<string>;
  wait(agent: string): Promise<void>;
  releaseAll(): void;
}

export function createHold(): Hold {
  const waiting = new Set<string>();
  const releases: Array<() => void> = [];
  return {
    waiting,
    wait(agent) {
      waiting.add(agent);
      return new Promise((resolve) => releases.push(resolve));
    },
    releaseAll() {
      for (const r of releases.splice(0)) r();
    },
  };
}

interface InboxMessage {
  id: number;
  from: string;
  text: string;
}

type Step = StubReply | 'hold';

const tool = (name: string, input: Record<string, unknown>, text?: string): StubReply => ({
  toolUse: { name, input },
  ...(text ? { text } : {}),
});
const studio = (name: string, input: Record<string, unknown>) => tool(`mcp__studio__${name}`, input);

/**
 * What each agent does with the mail a wake brings. A turn that starts with a wake calls
 * check_inbox; what the inbox holds picks the episode, whose steps answer the turn's next
 * requests in order.
 */
function episodeFor(agent: string, messages: InboxMessage[], project: string): Step[] {
  const has = (pattern: RegExp) => messages.some((m) => pattern.test(m.text));
  const file = (p: string) => join(project, p);
  if (agent === 'commander' && messages.some((m) => m.from === 'user')) {
    return [
      studio('dispatch_task', {
        title: 'Add --json output',
        body: 'tally --json FILE prints {"word": count, ...} in the same order as the table.',
        to: 'agent-1',
        priority: 'high',
      }),
      studio('dispatch_task', {
        title: 'Stable order for ties',
        body: 'Words with equal counts come out in input order; sort them by word so the output is stable.',
        to: 'agent-2',
      }),
      studio('dispatch_task', {
        title: 'Document --json',
        to: 'agent-2',
        priority: 'low',
        blocked_by: [TASK.json],
      }),
      studio('set_summary', { summary: 'tally 0.2: --json and stable ordering' }),
      {
        text: `Dispatched #${TASK.json} (--json) to agent-1, #${TASK.ties} (tie order) and #${TASK.readme} (README, after #${TASK.json}) to agent-2. I'll review as they land.`,
      },
    ];
  }
  if (agent === 'commander' && has(/ready for review/)) {
    return [
      tool(
        'Bash',
        { command: 'git diff --stat', description: `Changes for #${TASK.ties}` },
        `agent-2 sent #${TASK.ties} for review. Checking the diff.`,
      ),
      studio('send_message', {
        to: 'agent-1',
        text: `Heads-up for #${TASK.json}: count() now breaks ties alphabetically (#${TASK.ties}), so build the JSON from its order and the README example stays stable.`,
      }),
      'hold',
    ];
  }
  if (agent === 'agent-1' && has(new RegExp(`Task #${TASK.json} `))) {
    return [
      studio('update_task', { task_id: TASK.json, status: 'in_progress' }),
      studio('set_summary', { summary: `#${TASK.json}: --json output` }),
      tool('Read', { file_path: file('src/cli.js') }),
      tool(
        'Edit',
        {
          file_path: file('src/cli.js'),
          old_string:
            "const [file] = process.argv.slice(2);\nconst text = readFileSync(file ?? 0, 'utf8');\nfor (const [word, n] of count(text).slice(0, 10)) {\n  console.log(`${String(n).padStart(5)}  ${word}`);\n}\n",
          new_string:
            "const args = process.argv.slice(2);\nconst json = args.includes('--json');\nconst [file] = args.filter((a) => a !== '--json');\nconst top = count(readFileSync(file ?? 0, 'utf8')).slice(0, 10);\nif (json) console.log(JSON.stringify(Object.fromEntries(top)));\nelse for (const [word, n] of top) console.log(`${String(n).padStart(5)}  ${word}`);\n",
        },
        'The flag can come before or after the file, so I take it out of the arguments first.',
      ),
      tool('Bash', {
        command: "printf 'the cat and the hat' | node src/cli.js --json",
        description: 'Try --json on a sample',
      }),
      'hold',
    ];
  }
  if (agent === 'agent-2' && has(new RegExp(`Task #${TASK.ties} `))) {
    return [
      studio('update_task', { task_id: TASK.ties, status: 'in_progress' }),
      studio('set_summary', { summary: `#${TASK.ties}: stable order for ties` }),
      tool('Read', { file_path: file('src/count.js') }),
      tool(
        'Edit',
        {
          file_path: file('src/count.js'),
          old_string: 'return [...counts].sort((a, b) => b[1] - a[1]);',
          new_string: 'return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));',
        },
        'Ties keep insertion order today; comparing the words breaks them.',
      ),
      tool('Read', { file_path: file('test/count.test.js') }),
      tool('Edit', {
        file_path: file('test/count.test.js'),
        old_string: "  assert.deepEqual(count('The the'), [['the', 2]]);\n});\n",
        new_string:
          "  assert.deepEqual(count('The the'), [['the', 2]]);\n});\n\ntest('sorts ties alphabetically', () => {\n  assert.deepEqual(count('b a'), [['a', 1], ['b', 1]]);\n});\n",
      }),
      tool('Bash', {
        command: 'npm test 2>&1 | grep -E "^. (tests|pass|fail)"',
        description: 'Run the tests',
      }),
      studio('update_task', {
        task_id: TASK.ties,
        status: 'review',
        result: 'count() breaks ties alphabetically (src/count.js); new test; npm test passes (3/3).',
      }),
      studio('send_message', {
        to: 'commander',
        text: `#${TASK.ties} is ready for review: ties now sort alphabetically, with a test. #${TASK.readme} waits on #${TASK.json}.`,
      }),
      { text: `#${TASK.ties} is in review. #${TASK.readme} (README) starts once #${TASK.json} lands.` },
    ];
  }
  // Anything else (a task's status change, say): acknowledge it in a line.
  const lines = messages.flatMap((m) => {
    const [, id, status, by] = /^Task #(\d+) .*?: \S+ → (\S+) by ([\w-]+)/.exec(m.text) ?? [];
    return id && status && by ? [`#${id} is ${status.replace('_', ' ')} (${by}).`] : [];
  });
  return [{ text: lines.length ? `Noted: ${lines.join(' ')}` : 'Noted.' }];
}

/** The model's side of the scene, for the stub. */
export function sceneScript(project: string, hold: Hold): StubScript {
  const running = new Map<string, { steps: Step[]; next: number }>();
  return async (req: StubRequest): Promise<StubReply> => {
    const agent = agentOf(req) ?? '';
    const last = req.toolResults[req.toolResults.length - 1];
    if (!last) {
      running.delete(agent);
      return req.prompt.startsWith('[studio]') ? studio('check_inbox', {}) : { text: 'Ready.' };
    }
    if (last.text.startsWith('{"messages"')) {
      const { messages } = JSON.parse(last.text) as { messages: InboxMessage[] };
      running.set(agent, { steps: episodeFor(agent, messages, project), next: 0 });
    }
    const episode = running.get(agent);
    const step = episode?.steps[episode.next++] ?? { text: 'Done.' };
    if (step !== 'hold') return step;
    await hold.wait(agent);
    return { text: 'Done.' };
  };
}
