import { useCallback, useEffect, useState } from 'react';
import type { StudioClient } from '../../../../../main/contract/pipe.js';
import type { ReviewComment } from '../../../../../main/contract/review.js';

/** A task's line comments, read when the review opens and again after one is added. */
export function useTaskComments(
  client: StudioClient,
  taskId: number | undefined,
  onError: (message: string) => void,
) {
  const [comments, setComments] = useState<ReviewComment[]>([]);
  const load = useCallback(() => {
    if (taskId === undefined) return;
    client.taskComments(taskId).then(setComments, (err: Error) => onError(err.message));
  }, [client, taskId, onError]);
  useEffect(() => load(), [load]);
  const add =
    taskId === undefined
      ? undefined
      : (file: string, line: number, text: string) =>
          client.addComment({ taskId, file, line, text }).then(load, (err: Error) => onError(err.message));
  return {
    comments,
    add,
    pending: comments.filter((c) => c.state === 'pending').length,
    /** It was sent back before: there is an earlier review to compare with. */
    reviewedBefore: comments.some((c) => c.sentAt !== null),
  };
}
