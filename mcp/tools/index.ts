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
] as unknown as ReadonlyArray<ToolDefinition>;
