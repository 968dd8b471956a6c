// `ccstudio serve`: the studio itself, run here until Ctrl-C, with its banner.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '../../core/util/logger.js';
import { startStudioHost, type RunningStudio } from '../../host/studioHost.js';
import { openStudioLog } from '../../host/studioLog.js';
import type { CommandTree } from '../kit/commandKit.js';
import { out, stderr } from '../kit/io.js';
import { codeLink, openInBrowser, writeOpenPage } from '../kit/openLink.js';
import { npmTookMessage, type CliValues } from '../kit/options.js';
import { noMore, run, UsageError } from '../kit/usage.js';

export function serveCommands(tree: CommandTree): void {
  tree.command(
    tree.root,
    {
      name: 'serve',
      summary: 'Run the studio here until Ctrl-C: its UI, MCP server and the team in terminals.',
      options: [
        {
          name: 'cwd',
          value: 'DIR',
          help: 'the project folder a new team works in (default: where serve started)',
        },
        { name: 'port', value: 'N', help: 'the port to listen on (0 picks a free one)' },
        { name: 'host', value: 'ADDR', help: 'the address to listen on (default 127.0.0.1)' },
        { name: 'agents', value: 'N', help: 'make sure a commander and agent-1..N exist, and start them' },
        { name: 'first-team', value: 'N', help: 'as --agents, only when the studio has no agents yet' },
        { name: 'worktrees', help: 'give --agents N engineers a git worktree each' },
        { name: 'no-worktrees', help: "keep a first team's engineers in the project folder" },
        { name: 'claude', value: 'CMD', help: 'the Claude Code local agents run (default: claude on PATH)' },
        { name: 'no-start', help: 'start no agents' },
        { name: 'open', help: "open the studio's UI in the default browser" },
        { name: 'verbose', help: 'log debug lines too' },
      ],
      examples: ['ccstudio serve --first-team 3', 'ccstudio serve --port 0 --no-start'],
    },
    async (values, words, dataDir) => {
      // `npm run serve --port 0`: npm took --port, and its 0 reached us as an argument.
      const script = process.env.npm_lifecycle_script ?? '';
      const tookByNpm = /ccstudio\.js\b/.test(script)
        ? npmTookMessage(process.env, words, /ccstudio\.js serve\b/.test(script) ? '' : 'serve')
        : undefined;
      if (tookByNpm) throw new UsageError(tookByNpm);
      noMore(words, 'serve');
      return serveStudio(values, dataDir);
    },
  );
}

/** `ccstudio serve`: runs the studio here until Ctrl-C. */
async function serveStudio(values: CliValues, dataDir: string): Promise<number> {
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new UsageError('--port is 0-65535.');
  const agents = values.agents === undefined ? undefined : Number(values.agents);
  if (agents !== undefined && (!Number.isInteger(agents) || agents < 0 || agents > 30))
    throw new UsageError('--agents is 0-30.');
  if (values.worktrees && values['no-worktrees'])
    throw new UsageError('--worktrees or --no-worktrees, not both.');
  const firstTeam = values['first-team'] === undefined ? undefined : Number(values['first-team']);
  if (firstTeam !== undefined && (!Number.isInteger(firstTeam) || firstTeam < 0 || firstTeam > 30))
    throw new UsageError('--first-team is 0-30.');
  // The person's folder. `npm run serve` runs us in the package's folder and names theirs in
  // INIT_CWD; anywhere else INIT_CWD may be a stale one inherited from an outer npm.
  const npmRunServe = /ccstudio\.js serve\b/.test(process.env.npm_lifecycle_script ?? '');
  const startedIn = (npmRunServe && process.env.INIT_CWD) || process.cwd();
  const teamCwd = resolve(startedIn, values.cwd ?? '.');
  if (!existsSync(teamCwd) || !statSync(teamCwd).isDirectory())
    throw new UsageError(`--cwd: ${teamCwd} is not a folder.`);
  // The log is kept in the data folder as well: what stays when nobody reads stderr any more.
  const log = openStudioLog(dataDir, { echo: stderr, minLevel: values.verbose ? 'debug' : 'info' });
  const { logger } = log;
  // The studio holds every agent's terminal: a stray error is logged, never allowed to end them all.
  process.on('uncaughtException', (err) =>
    logger.error('uncaught exception', { err: err.stack ?? String(err) }),
  );
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { err: String(err) }));
  // A Ctrl-C from here on stops it cleanly: once it has started, while its agents start, while a
  // browser opens. (Without a listener, Node ends the process at once, its terminals with it.)
  const stopAsked = stopSignal();
  const running = await startStudioHost({
    dataDir,
    ...(port !== undefined ? { port } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(agents !== undefined ? { agents } : {}),
    ...(firstTeam !== undefined ? { firstTeam } : {}),
    ...(values.claude ? { claudeCommand: values.claude } : {}),
    ...(values['no-start'] ? { noStart: true } : {}),
    ...(values.worktrees ? { worktrees: true } : values['no-worktrees'] ? { worktrees: false } : {}),
    teamCwd,
    logger,
  });
  // Said once each start has settled, so the banner reports what really runs.
  const started = await Promise.race([running.started, stopAsked.then(() => undefined)]);
  if (started) await announce({ values, dataDir, teamCwd, running, log, started });
  await stopAsked;
  await running.stop();
  await log.close();
  // After ^C the terminal shows nothing else: say that it stopped, and where its data stays.
  out(`Claude Code Studio stopped (data in ${dataDir}).`);
  return 0;
}

/**
 * Resolves at the first Ctrl-C (SIGINT) or SIGTERM, each heard once: `npm start` forwards a
 * SIGTERM after the terminal's SIGINT, and a second Ctrl-C still ends the process at once (the
 * person forcing it down while its terminals stop).
 */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** `serve`'s banner: where the studio is, what runs, and the UI opened in a browser if asked. */
async function announce({
  values,
  dataDir,
  teamCwd,
  running,
  log,
  started,
}: {
  values: CliValues;
  dataDir: string;
  teamCwd: string;
  running: RunningStudio;
  log: { file: string; logger: Logger };
  started: Awaited<RunningStudio['started']>;
}): Promise<void> {
  const team = (await running.studio.service.listAgents()).filter((a) => a.kind === 'agent' && !a.remote);
  out(`Claude Code Studio is running.
Open the studio:       ${running.uiBuilt ? running.uiUrl : '(the UI is not built in this copy: npm run build)'}
MCP (Streamable HTTP): ${running.http.url}
MCP (legacy SSE):      ${running.http.urls.sse}
Data:                  ${dataDir}
Log:                   ${log.file}
Add an agent:  ${run('agent add NAME')}   (or --remote for one on another machine)
Stop with Ctrl-C.`);
  const choices = team.length ? undefined : await running.studio.service.folderChoices();
  out(
    !choices
      ? `The team works in: ${[...new Set(team.map((a) => a.cwd || '(home folder)'))].join(', ')}`
      : choices.suggested === teamCwd
        ? `No team yet: the studio's page asks where it works (suggesting ${teamCwd}; --cwd DIR picks another).`
        : choices.suggested
          ? `No team yet: the studio's page asks where it works (suggesting ${choices.suggested}, the team's folder before).`
          : `No team yet: the studio's page asks where it works. ${choices.note ?? ''} (--cwd DIR suggests one.)`,
  );
  for (const s of started)
    out(
      s.error
        ? `  ${s.name}: not running: ${s.error}`
        : `  ${s.name}: ${s.ready ? 'ready' : 'started, still starting'}`,
    );
  // Command lines are readable by every local user: the browser gets a private page's address.
  if (values.open && running.uiBuilt) {
    const page = writeOpenPage(dataDir, codeLink(running.http.urls.base, running.http.issueUiCode()));
    if (!(await openInBrowser(page)))
      log.logger.info('No browser opener here: open the link above in a browser.');
  }
}
