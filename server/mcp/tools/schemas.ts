// Argument schemas shared by several tools: the contract's input pieces (main/contract/inputs.ts)
// under the names tools use, so a limit is the same whether a model, the CLI or the UI hits it.
// Descriptions stay short: every tool schema is sent to the model on every turn.
export {
  agentName,
  blockers,
  branch,
  folder,
  menuKeys,
  messageType,
  role,
  rolePrompt,
  summary,
  taskBody,
  taskNote,
  taskPriority,
  taskStatus,
  taskTitle,
  recordId as messageId,
  recordId as taskId,
  pageLimit as limit,
  topicName as topic,
} from '../../../main/contract/inputs.js';
import { messageBody } from '../../../main/contract/inputs.js';

/** A message from a model is never empty (the core would say so too, in more words). */
export const messageText = messageBody.min(1);
