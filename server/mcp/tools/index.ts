// The studio's MCP tools, one file each. Order here is the order clients list them.
import type { ToolDefinition } from './tool.js';
import register from './register.js';
import list_peers from './list_peers.js';
import set_summary from './set_summary.js';
import send_message from './send_message.js';
import broadcast from './broadcast.js';
import check_inbox from './check_inbox.js';
import get_history from './get_history.js';
import subscribe from './subscribe.js';
import unsubscribe from './unsubscribe.js';
import publish from './publish.js';
import dispatch_task from './dispatch_task.js';
import update_task from './update_task.js';
import my_tasks from './my_tasks.js';
import list_tasks from './list_tasks.js';
import get_task from './get_task.js';
import studio_status from './studio_status.js';
import heartbeat from './heartbeat.js';
import read_peer from './read_peer.js';
import peer_state from './peer_state.js';
import respond from './respond.js';
import kick from './kick.js';
import set_prompt from './set_prompt.js';
import get_prompt from './get_prompt.js';

export const TOOLS: ReadonlyArray<ToolDefinition> = [
  register,
  list_peers,
  set_summary,
  send_message,
  broadcast,
  check_inbox,
  get_history,
  subscribe,
  unsubscribe,
  publish,
  dispatch_task,
  update_task,
  my_tasks,
  list_tasks,
  get_task,
  studio_status,
  heartbeat,
  read_peer,
  peer_state,
  respond,
  kick,
  set_prompt,
  get_prompt,
] as unknown as ReadonlyArray<ToolDefinition>;
