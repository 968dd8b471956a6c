// Limits shared by every entry point (MCP tools, CLI, UI) so each rejects the same input the same way.

/** A message body past this is almost certainly a pasted file; the model should send a path instead. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** No JSON-RPC request the studio answers needs more; larger bodies are refused before parsing. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Names appear in prompts and terminal headers: short, printable, no spaces. */
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
export const TOPIC_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_./:-]{0,63}$/;
export const MAX_TITLE_CHARS = 200;
export const MAX_SUMMARY_CHARS = 500;
export const MAX_ROLE_CHARS = 200;
export const MAX_TASK_BODY_BYTES = MAX_MESSAGE_BYTES;
/** Reserved name of the person at the keyboard; messages from the UI and CLI are sent as this. */
export const PERSON_NAME = 'user';
