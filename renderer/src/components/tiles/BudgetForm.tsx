import { useState } from 'react';
import type { StudioClient } from '../../../../main/contract/pipe.js';
import { useStudio } from '../../context/StudioContext.js';
import type { AgentView } from '../../state/studioState.js';

/** Sets or clears an agent's budget, under its tile's header. */
export function BudgetForm({ agent, onDone }: { agent: AgentView; onDone(): void }) {
  const { client, notify } = useStudio();
  const [tokens, setTokens] = useState(agent.budget?.tokensPerHour?.toString() ?? '');
  const [turns, setTurns] = useState(agent.budget?.turnsPerHour?.toString() ?? '');
  const number = (v: string) => (v.trim() ? Number(v.trim()) : undefined);
  const save = (budget: Parameters<StudioClient['setBudget']>[1]) =>
    client.setBudget(agent.name, budget).then(
      () => {
        notify(budget ? `Budget set for ${agent.name}` : `No budget for ${agent.name}`);
        onDone();
      },
      (err: Error) => notify(err.message, true),
    );
  return (
    <form
      className="tile-budget"
      data-testid={`budget-form-${agent.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        const t = number(tokens);
        const n = number(turns);
        void save(
          t === undefined && n === undefined
            ? null
            : {
                ...(t !== undefined ? { tokensPerHour: t } : {}),
                ...(n !== undefined ? { turnsPerHour: n } : {}),
              },
        );
      }}
    >
      <span>An hour, at most:</span>
      <input
        value={tokens}
        onChange={(e) => setTokens(e.target.value)}
        placeholder="tokens"
        aria-label="Tokens an hour"
        inputMode="numeric"
      />
      <input
        value={turns}
        onChange={(e) => setTurns(e.target.value)}
        placeholder="turns"
        aria-label="Turns an hour"
        inputMode="numeric"
      />
      <button type="submit">Save</button>
      {agent.budget && (
        <button type="button" onClick={() => void save(null)}>
          No budget
        </button>
      )}
    </form>
  );
}
