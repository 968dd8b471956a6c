import { useEffect, useState } from 'react';
import type { CheckStatus, TaskCheck } from '../../../../../main/contract/checks.js';
import type { StudioClient } from '../../../../../main/contract/pipe.js';

/** A task's check in its review: passed, failed with its last lines, running, stale, or none set. */
export function TaskCheckLine({
  client,
  taskId,
  run,
}: {
  client: StudioClient;
  taskId: number;
  run?: TaskCheck;
}) {
  const [status, setStatus] = useState<CheckStatus | null>(null);
  // Read again whenever a run of it moves (the window hears of each).
  useEffect(() => {
    client.taskChecks({ taskId }).then(setStatus, () => setStatus(null));
  }, [client, taskId, run?.state, run?.head]);
  if (!status || (status.state === 'none' && !status.command)) return null;
  const failed = status.state === 'failed' && status.run;
  return (
    <div
      className={`review-check check-${status.state}`}
      data-testid="review-check"
      data-state={status.state}
    >
      <span className="badge">check {status.state}</span> <code>{status.command}</code>
      {status.state === 'stale' && ' (the branch moved on since it ran)'}
      {failed && status.run?.error && `: ${status.run.error}`}
      {failed && status.run!.tail.length > 0 && (
        <pre className="review-check-tail">{status.run!.tail.join('\n')}</pre>
      )}
      {status.state !== 'running' && status.state !== 'queued' && (
        <button
          onClick={() => void client.taskChecks({ taskId, run: true }).then(setStatus)}
          data-testid="review-check-run"
        >
          Run again
        </button>
      )}
    </div>
  );
}
