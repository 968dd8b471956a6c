// `ccstudio agent add NAME`: a local agent (started if a studio runs), one over SSH, or a remote
// one with its token.
import { resolve } from 'node:path';
import { buildAddAgentInput, type AgentRequest, type OptionNames } from '../../contract/agentRequest.js';
import type { AddedAgent, StudioCalls } from '../../contract/service.js';
import { shellWord } from '../kit/ccstudioCommand.js';
import { mcpAddLine } from '../kit/format.js';
import { json, out } from '../kit/io.js';
import type { CliValues } from '../kit/options.js';
import type { CommandContext } from '../kit/studioAccess.js';
import { noMore, run, usageError } from '../kit/usage.js';

/** An agent just added: started if a studio runs, and a sentence saying how that went. */
export async function startAdded(service: StudioCalls, running: boolean, name: string): Promise<string> {
  if (!running)
    return `No studio is running: start one with \`${run('serve')}\`, then start ${name} with \`${run(`agent start ${shellWord(name)}`)}\`.`;
  try {
    const agent = await service.startAgent(name);
    return `It is running in the studio${agent.state === 'idle' ? ', ready at its prompt' : ''}.`;
  } catch (err) {
    return `It is not running: ${(err as Error).message}`;
  }
}

/** How `agent add` names, in its errors, the options a person can combine wrongly. */
const AGENT_ADD_FLAGS: OptionNames = {
  ssh: '--ssh',
  command: '--command',
  takesPrompts: '--takes-prompts',
  sandbox: '--sandbox',
  remote: '--remote',
  worktree: '--worktree',
  base: '--base',
  worktreeDir: '--worktree-dir',
};

/** `agent add`'s options as a request: folders on this machine resolved, one over SSH named as there. */
function agentRequest(values: CliValues, name: string): AgentRequest {
  const here = (path: string | undefined) =>
    path !== undefined && values.ssh === undefined ? resolve(path) : path;
  return {
    name,
    role: values.role,
    summary: values.summary,
    rolePrompt: values.prompt,
    cwd: here(values.cwd),
    remote: values.remote,
    ssh: values.ssh,
    command: values.command,
    takesPrompts: values['takes-prompts'],
    sandbox: values.sandbox,
    worktree: values.worktree,
    base: values.base,
    worktreeDir: here(values['worktree-dir']),
  };
}

/** `ccstudio agent add NAME`: a local agent (started if a studio runs), or a remote one with its token. */
export async function agentAdd({
  values,
  words: rest,
  service,
  mcpUrl,
  running,
}: CommandContext): Promise<number> {
  const name = rest[0];
  if (!name) throw usageError('Give the agent a name.', 'agent', 'add');
  noMore(rest.slice(1), 'agent', 'add');
  const added = await service.addAgent(buildAddAgentInput(agentRequest(values, name), AGENT_ADD_FLAGS));
  if (values.ssh !== undefined) return agentAddedSsh({ values, added, service, running });
  const url = added.mcpUrl || mcpUrl;
  const line = mcpAddLine(url, added.token);
  if (!values.remote) {
    const started = await startAdded(service, running, added.agent.name);
    const ws = added.agent.workspace;
    const where = ws ? ` Its worktree: ${ws.path}, on ${ws.branch} from ${ws.base}.` : '';
    if (values.json) json({ name: added.agent.name, local: true, started, ...(ws ? { workspace: ws } : {}) });
    else
      out(
        `Added agent ${added.agent.name}${added.agent.role ? ` (${added.agent.role})` : ''}.${where} ${started}`,
      );
    return 0;
  }
  if (values.json) json({ name: added.agent.name, token: added.token, mcpUrl: url, claudeMcpAdd: line });
  else
    out(`Added agent ${added.agent.name}${added.agent.role ? ` (${added.agent.role})` : ''}.
Token:   ${added.token}   (shown once; the studio stores only its hash)
MCP URL: ${url}
Connect Claude Code on the agent's machine with:
${line}`);
  return 0;
}

/** `ccstudio agent add NAME --ssh DEST`: Claude Code on another machine, in a tile like any other. */
async function agentAddedSsh({
  values,
  added,
  service,
  running,
}: Pick<CommandContext, 'values' | 'service' | 'running'> & { added: AddedAgent }): Promise<number> {
  const host = added.agent.ssh?.dest ?? values.ssh!;
  const started = await startAdded(service, running, added.agent.name);
  const ws = added.agent.workspace;
  const where = ws ? ` Its worktree there: ${ws.path}, on ${ws.branch} from ${ws.base}.` : '';
  if (values.json)
    json({ name: added.agent.name, ssh: added.agent.ssh, started, ...(ws ? { workspace: ws } : {}) });
  else out(`Added agent ${added.agent.name} on ${host}.${where} ${started}`);
  return 0;
}
