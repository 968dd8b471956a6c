import { waitsForPerson } from '../../../main/contract/model.js';
import type { UiCommand } from '../../../main/contract/pipe.js';
import type { Layout } from '../components/tiles/Tiles.js';
import type { AgentView } from '../state/studioState.js';
import type { Dialog } from './dialog.js';

/** The studio's name, how its agents are doing, and the window's buttons. */
export function TopBar({
  agents,
  layout,
  boardOpen,
  waiting,
  run,
  open,
}: {
  agents: readonly AgentView[];
  layout: Layout;
  boardOpen: boolean;
  /** Items in the person's queue. */
  waiting: number;
  run(command: UiCommand): void;
  open(dialog: Dialog): void;
}) {
  return (
    <header className="topbar">
      <h1>Claude Code Studio</h1>
      <span className="counts">
        {agents.length} agents · {agents.filter((a) => a.state === 'busy').length} busy ·{' '}
        {agents.filter((a) => waitsForPerson(a.state)).length} waiting for you
      </span>
      <span className="spacer" />
      <button
        onClick={() => open({ kind: 'queue' })}
        className={waiting ? 'queue-button waiting' : 'queue-button'}
        data-testid="queue-button"
        title="Everything that waits for you (permissions, questions, reviews, stuck agents)"
      >
        Queue{' '}
        <span className="badge" data-testid="queue-count">
          {waiting}
        </span>
      </button>
      <button onClick={() => run({ type: 'toggleLayout' })} data-testid="toggle-layout">
        {layout === 'grid' ? 'List' : 'Grid'}
      </button>
      <button onClick={() => open({ kind: 'notifications' })} data-testid="notifications">
        Notifications
      </button>
      <button onClick={() => open({ kind: 'resources' })} data-testid="resources-button">
        Resources
      </button>
      <button onClick={() => open({ kind: 'tabs' })} data-testid="tabs-button">
        Tabs
      </button>
      <button onClick={() => open({ kind: 'addAgent' })} data-testid="add-agent">
        Add agent
      </button>
      <button onClick={() => open({ kind: 'newTask' })}>New task</button>
      <button onClick={() => run({ type: 'showBoard' })}>{boardOpen ? 'Hide board' : 'Board'}</button>
    </header>
  );
}
