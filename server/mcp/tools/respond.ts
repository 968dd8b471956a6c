import { z } from 'zod';
import { StudioError } from '../../../main/contract/errors.js';
import { personOnly, waitsForPerson } from '../../../main/contract/model.js';
import { defineTool } from './tool.js';
import { agentName, menuKeys } from './schemas.js';

export default defineTool({
  name: 'respond',
  description:
    "Answer another agent's open menu or permission prompt: option picks a numbered choice; keys sends keys (digits, enter, esc, up, down, tab). Commander only.",
  input: {
    name: agentName,
    option: z.number().int().min(1).max(9).optional(),
    keys: menuKeys.optional(),
  },
  run({ caller, studio }, args) {
    if (!caller.commander && caller.kind !== 'person') {
      throw new StudioError(
        'forbidden',
        "Only the commander or the person may answer another agent's prompt; message the commander instead.",
      );
    }
    const agent = studio.agents.require(args.name);
    if (agent.id === caller.id) throw new StudioError('invalid', 'Answer your own prompts yourself.');
    if ((args.option === undefined) === (args.keys === undefined))
      throw new StudioError('invalid', 'Give either option or keys.');
    const { state, reading } = studio.terminals.reading(agent.name);
    if (!waitsForPerson(state)) {
      throw new StudioError('conflict', `${agent.name} is ${state}, not on a prompt; nothing to answer.`);
    }
    if (personOnly(state))
      throw new StudioError(
        'forbidden',
        state === 'waiting_trust'
          ? `${agent.name}'s Claude Code asks whether its folder is trusted: only the person answers that. Tell them.`
          : `${agent.name}'s Claude Code is not logged in: only the person can log it in. Tell them.`,
      );
    if (args.option !== undefined && !reading.options.some((o) => o.number === args.option)) {
      throw new StudioError(
        'invalid',
        `${agent.name}'s menu has options ${reading.options.map((o) => o.number).join(', ')}.`,
      );
    }
    studio.terminals.keys(agent.name, args.option !== undefined ? [String(args.option)] : args.keys!);
    return `Sent ${args.option !== undefined ? `option ${args.option}` : args.keys!.join(' ')} to ${agent.name}.`;
  },
});
