import { z } from 'zod';
import { defineTool } from './tool.js';
import { agentName } from './schemas.js';
import { TERMINAL_MAX_ROWS } from '../../../main/contract/limits.js';

/** Enough to see what a peer is doing: its live region and the last of its transcript. */
const DEFAULT_PEER_LINES = 40;

export default defineTool({
  name: 'read_peer',
  description: "Read another agent's terminal screen as text (its last lines), to see what it is doing.",
  input: { name: agentName, lines: z.number().int().min(1).max(TERMINAL_MAX_ROWS).optional() },
  readOnly: true,
  run({ caller, side }, args) {
    return side.readPeer(caller, args.name, args.lines ?? DEFAULT_PEER_LINES) || '(empty screen)';
  },
});
