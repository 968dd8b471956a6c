// Prepares an agent's Claude Code on another machine and gives back the local command line of its
// terminal (an ssh session on the host's shared connection). Everything the remote CLI needs
// reaches it through the connection: its files on stdin, the studio through a forwarded port.
import { PERMISSION_HOOK_TIMEOUT_S } from '../../contract/hooks.js';
import type { Agent } from '../../contract/model.js';
import { StudioError } from '../../contract/errors.js';
import { sshHostLabel } from '../../contract/ssh.js';
import { studioUrls, type StudioUrls } from '../../contract/urls.js';
import {
  childEnv,
  claudeArgs,
  claudeSessionFile,
  hookSettings,
  mcpConfigText,
  studioPrompt,
  WAITER_TIMEOUT_S,
  type Launch,
} from '../claude/claudeLaunch.js';
import {
  parseVersion,
  supportsAsyncRewake,
  supportsHttpHooks,
  unsupportedReason,
} from '../claude/claudeVersion.js';
import type { TranscriptSource } from '../claude/transcriptUsage.js';
import {
  curlHookCommand,
  installScript,
  launchScript,
  parseProbe,
  probeScript,
  remoteAgentDir,
  transcriptReadScript,
  waitScript,
} from './remoteSetup.js';
import { shellQuote } from '../util/shellQuote.js';
import { explainSsh, sshProblem } from './sshCommand.js';
import { SshError, type ExecResult, type SshLink } from './sshLink.js';

export interface RemoteLaunchInput {
  agent: Agent;
  link: SshLink;
  /** This studio's folder name on remotes, so two studios' agents of one name never share files. */
  studioKey: string;
  token: string;
  hookToken: string;
  sessionId: string;
  baseEnv: NodeJS.ProcessEnv;
  /** Throws once the start is called off: nothing is written there after that. */
  goOn?: () => void;
}

export interface RemoteLaunch {
  launch: Launch;
  version: string | undefined;
  /** Its Claude Code session was on the remote's disk: it resumes. */
  resumed: boolean;
  /** Its session's transcript there, the folder Claude Code keeps them in, and how to read them. */
  transcript: { file: string; projects: string; source: TranscriptSource };
}

/** Transcripts on another machine, read over its connection (see transcriptReadScript). */
export function remoteTranscripts(link: SshLink): TranscriptSource {
  return {
    async read(file, projects, offset, max) {
      if (!link.up) return undefined;
      const got = await link.exec('sh -s', transcriptReadScript(file, projects, offset, max));
      if (got.code !== 0) return undefined;
      const newline = got.bytes.indexOf(0x0a);
      const head = newline < 0 ? '' : got.bytes.subarray(0, newline).toString('utf8');
      // A size and nothing else (a login script there could print anything).
      if (!/^\d{1,15}$/.test(head)) return undefined;
      const size = Number(head);
      return { size, bytes: got.bytes.subarray(newline + 1) };
    },
  };
}

/** What only the person can mend on the remote (no Claude Code, no folder): not retried. */
export class RemoteSetupError extends StudioError {}

/**
 * A failure a later try cannot mend by itself: a refused login, an untrusted host key, no
 * Claude Code or no folder there. Anything else (a host away, a timeout, a drop) may pass.
 */
export function isFinal(err: unknown): boolean {
  if (err instanceof SshError) return err.problem === 'login' || err.problem === 'hostkey';
  return err instanceof RemoteSetupError;
}

/** ssh's own failures exit 255; anything else came from the remote command. */
const SSH_FAILED = 255;

function checked(dest: string, what: string, result: ExecResult): ExecResult {
  if (result.code === SSH_FAILED)
    throw new SshError(explainSsh(dest, result.stderr), sshProblem(result.stderr));
  if (result.code !== 0) {
    throw new StudioError(
      'unavailable',
      `${what} on ${dest} failed (exit ${result.code ?? 'signal'}): ${result.stderr.trim().slice(-300) || 'no message'}`,
    );
  }
  return result;
}

/**
 * The agent's hooks there: posted by the CLI itself where it can (`http`), else by curl reading the
 * token from the private headers file; and its waiter script where it leaves waiters (`waits`).
 */
function remoteHooks(input: {
  abs: string;
  urls: StudioUrls;
  hookToken: string;
  curl: boolean;
  waits: boolean;
  http: boolean;
}): { settings: { hooks: Record<string, unknown> }; waitScript?: string } {
  const { abs, urls, curl, waits } = input;
  const headersFile = `${abs}/hook.headers`;
  const hooks = hookSettings({
    hookUrl: urls.hooks,
    hookToken: input.hookToken,
    command: curl ? curlHookCommand(headersFile, urls.hooks) : undefined,
    ...(curl
      ? { permissionCommand: curlHookCommand(headersFile, urls.hooks, PERMISSION_HOOK_TIMEOUT_S) }
      : {}),
    ...(waits ? { waiter: `sh ${shellQuote(`${abs}/wait.sh`)}` } : {}),
    http: input.http,
  });
  return {
    settings: { hooks },
    ...(waits
      ? { waitScript: waitScript({ headersFile, waitUrl: urls.hookWait, maxSeconds: WAITER_TIMEOUT_S }) }
      : {}),
  };
}

export async function prepareRemoteLaunch(input: RemoteLaunchInput): Promise<RemoteLaunch> {
  const { agent, link } = input;
  const ssh = agent.ssh!;
  const host = sshHostLabel(ssh.dest);
  const port = await link.connect();
  const probeRun = checked(
    ssh.dest,
    'Looking at the agent',
    await link.exec(
      'sh -s',
      probeScript({ cwd: agent.cwd, command: ssh.command, sessionId: input.sessionId }),
    ),
  );
  const probe = parseProbe(probeRun.stdout);
  if (!probe) {
    throw new StudioError(
      'unavailable',
      `${ssh.dest} did not run the studio's setup under sh (it printed: ${(probeRun.stdout + probeRun.stderr).trim().slice(0, 300) || 'nothing'}).`,
    );
  }
  if (probe.problem === 'nocwd')
    throw new RemoteSetupError(
      'invalid',
      `${host} has no folder ${agent.cwd} (for ${agent.name}); make it there or pick another.`,
    );
  if (probe.problem === 'noclaude' || !probe.claude || !probe.cwd) {
    const command = ssh.command || 'claude';
    throw new RemoteSetupError(
      'unavailable',
      `Claude Code (\`${command}\`) was not found on ${host}, on the PATH an SSH login gets there (${probe.path || 'empty'}). ` +
        `Install it there (\`npm install -g @anthropic-ai/claude-code\`), or give its full path: ` +
        `\`ccstudio agent add ${agent.name} --ssh ${ssh.dest} --command /path/to/claude\`.`,
    );
  }
  const version = parseVersion(probe.versionText);
  const unsupported = unsupportedReason(version);
  if (unsupported)
    throw new RemoteSetupError('unavailable', `${agent.name} was not started on ${host}: ${unsupported}`);
  const http = supportsHttpHooks(version);
  if (!http && !probe.curl) {
    throw new RemoteSetupError(
      'unavailable',
      `${agent.name} was not started: Claude Code ${version ?? '(unknown version)'} on ${host} reports to the studio ` +
        'through curl, which is not installed there. Install curl there, or update Claude Code to 2.1.63 or newer.',
    );
  }
  // The studio as the remote sees it: its loopback port that the connection leads back here.
  const urls = studioUrls(`http://127.0.0.1:${port}`);
  const dir = remoteAgentDir(input.studioKey, agent.name);
  const abs = `${probe.home}/${dir}`;
  // Idle, it is woken by its waiter hook (curl holding a request), nothing typed; without curl, typed.
  const waits = probe.curl && supportsAsyncRewake(version);
  const hooks = remoteHooks({ abs, urls, hookToken: input.hookToken, curl: probe.curl, waits, http });
  const args = claudeArgs({
    mcpFile: `${abs}/mcp.json`,
    settingsFile: `${abs}/settings.json`,
    prompt: studioPrompt(agent.name, agent.rolePrompt),
    resume: !!probe.transcriptFile,
    sessionId: input.sessionId,
    ...(agent.profile.kind === 'claude' && agent.profile.args ? { extraArgs: agent.profile.args } : {}),
  });
  const files = {
    'mcp.json': mcpConfigText(urls.mcp, input.token),
    'settings.json': JSON.stringify(hooks.settings, null, 2),
    'hook.headers': `Authorization: Bearer ${input.hookToken}`,
    ...(hooks.waitScript ? { 'wait.sh': hooks.waitScript } : {}),
    'launch.sh': launchScript({
      dir,
      cwd: probe.cwd,
      claude: probe.claude,
      env: { STUDIO_AGENT: agent.name, COLORTERM: 'truecolor' },
      args,
    }),
  };
  input.goOn?.();
  const installed = checked(
    ssh.dest,
    "Writing the agent's files",
    await link.exec('sh -s', installScript(dir, files)),
  );
  if (!installed.stdout.includes('ccstudio:ok=yes')) {
    throw new StudioError(
      'unavailable',
      `Could not write ${agent.name}'s files under ~/.ccstudio on ${host}: ${(installed.stdout + installed.stderr).trim().slice(0, 300)}`,
    );
  }
  // From $HOME (not the folder the login starts in, which a login script may change).
  const terminal = link.terminal(`sh "$HOME/${dir}/launch.sh"`);
  return {
    launch: {
      command: terminal.command,
      args: terminal.args,
      env: childEnv(input.baseEnv, {}),
      ...(waits ? { waits } : {}),
    },
    version,
    resumed: !!probe.transcriptFile,
    transcript: {
      file: probe.transcriptFile ?? claudeSessionFile(probe.projects, probe.cwd, input.sessionId),
      projects: probe.projects,
      source: remoteTranscripts(link),
    },
  };
}
