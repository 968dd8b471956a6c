#!/usr/bin/env node
// The headless studio's command line: `serve` runs it; the other commands talk to a running
// studio over /api/rpc, or open the data folder directly when none is running. Each command group
// is a module in commands/; commandKit.ts puts them on commander.
import { isStudioError } from '../contract/errors.js';
import { studioVersion } from '../core/version.js';
import { Answered, CommandTree } from './kit/commandKit.js';
import { agentCommands } from './commands/agent.js';
import { checksCommands } from './commands/checks.js';
import { completionCommands } from './commands/completion.js';
import { deskCommands } from './commands/desk.js';
import { inboxCommands } from './commands/inbox.js';
import { notifyCommands } from './commands/notify.js';
import { sleepCommands } from './commands/sleep.js';
import { openCommands } from './commands/open.js';
import { sendCommands } from './commands/send.js';
import { serveCommands } from './commands/serve.js';
import { statusCommands } from './commands/status.js';
import { tabsCommands } from './commands/tabs.js';
import { taskCommands } from './commands/task.js';
import { out, stderr } from './kit/io.js';
import { printable } from './kit/printable.js';
import { ClosedWithoutAnswer } from './kit/remoteService.js';
import { LOOK_HERE } from './kit/studioAccess.js';
import { run, runnable, USAGE, UsageError } from './kit/usage.js';

/** Every command, in the order --help lists them. */
function commandTree(): CommandTree {
  const tree = new CommandTree(studioVersion(), async (_values, [command]) => {
    if (command) throw new UsageError(`Unknown command "${command}".\n\n${runnable(USAGE)}`);
    out(runnable(USAGE));
    return 2;
  });
  for (const add of [
    serveCommands,
    openCommands,
    tabsCommands,
    agentCommands,
    statusCommands,
    sendCommands,
    notifyCommands,
    sleepCommands,
    inboxCommands,
    deskCommands,
    taskCommands,
    checksCommands,
    completionCommands,
  ])
    add(tree);
  tree.seal();
  return tree;
}

async function main(argv: string[]): Promise<number> {
  const tree = commandTree();
  try {
    await tree.root.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof Answered) return 0;
    throw err;
  }
  return tree.code;
}

/**
 * Node's fetch can leave a request pending for good when the studio closes the connection as the
 * request goes out; with nothing left to wait on, the process would end there, printing nothing,
 * with exit code 0, as if the command had worked. It says so instead.
 */
let settled = false;
const closedWithoutAnswer = () => {
  stderr.write(
    `ccstudio: the studio closed the connection without answering, so this command may or may not have taken effect. Check with \`${run('status')}\` and try again.\n`,
  );
  process.exitCode = 1;
};
process.once('beforeExit', () => {
  if (!settled) closedWithoutAnswer();
});

main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (err: unknown) => {
    settled = true;
    // fetch's other way of meeting the same close: it fails at once.
    if (err instanceof ClosedWithoutAnswer) closedWithoutAnswer();
    else if (err instanceof UsageError || isStudioError(err)) {
      const hint = isStudioError(err) && err.subject ? ` ${LOOK_HERE[err.subject]()}` : '';
      stderr.write(`ccstudio: ${printable((err as Error).message)}${hint}\n`);
      process.exitCode = 2;
    } else {
      stderr.write(`ccstudio: ${printable((err as Error)?.message ?? String(err))}\n`);
      process.exitCode = 1;
    }
  },
);
