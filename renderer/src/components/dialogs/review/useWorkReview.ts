import { useCallback, useEffect, useRef, useState } from 'react';
import type { MergeMode, MergePreview, WorkspaceDiff } from '../../../../../main/contract/model.js';
import type { StudioClient } from '../../../../../main/contract/pipe.js';
import type { WorkTarget } from '../../../../../main/contract/service.js';
import type { Notify } from '../../../context/StudioContext.js';

/** What a merge would do in one mode, or why that cannot be told (which refuses it too). */
export type Preview = { preview: MergePreview } | { failed: string } | null;
export type Previews = Record<MergeMode, Preview>;

const MODES = ['merge-commit', 'fast-forward'] as const;
const NOT_YET: Previews = { 'merge-commit': null, 'fast-forward': null };

/**
 * The work under review: its diff, and what a merge would do in each mode, read again when its
 * changes move (`changedAt`) or on `load()`. Only the latest load's answers are shown: an earlier
 * one may come back after it.
 */
export function useWorkReview(
  client: StudioClient,
  target: WorkTarget,
  changedAt: number | undefined,
  /** What the diff shows, when not the whole of `target` (only what changed since the last review). */
  shown: WorkTarget = target,
) {
  const [diff, setDiff] = useState<WorkspaceDiff | null>(null);
  const [previews, setPreviews] = useState<Previews>(NOT_YET);
  const [error, setError] = useState<string | null>(null);
  const loads = useRef(0);
  // The target as a value: the window passes a new object on every render.
  const key = JSON.stringify(target);
  const shownKey = JSON.stringify(shown);
  const load = useCallback(
    (keepError = false) => {
      const n = ++loads.current;
      const latest = () => n === loads.current;
      const t = JSON.parse(key) as WorkTarget;
      if (!keepError) setError(null);
      setPreviews(NOT_YET);
      client.workDiff(JSON.parse(shownKey) as WorkTarget).then(
        (d) => {
          if (!latest()) return;
          setDiff(d);
          // Asked with what the merge buttons send (the commit shown), so they say the same.
          for (const mode of MODES)
            client.previewMerge({ ...t, mode, reviewed: d.head }).then(
              (preview) => latest() && setPreviews((p) => ({ ...p, [mode]: { preview } })),
              (err: Error) => latest() && setPreviews((p) => ({ ...p, [mode]: { failed: err.message } })),
            );
        },
        (err: Error) => {
          if (!latest()) return;
          setError(err.message);
          const failed = { failed: err.message };
          setPreviews({ 'merge-commit': failed, 'fast-forward': failed });
        },
      );
    },
    [client, key, shownKey],
  );
  useEffect(() => load(), [load, changedAt]);
  return { diff, previews, error, setError, load };
}

/**
 * A review's act (merge, send back, open a pull request): said in a notice and the review closed
 * when it is done; when refused, its error shown and the review read again, so the preview and
 * its buttons catch up with whatever changed meanwhile.
 */
export function useReviewAct({
  notify,
  onClose,
  setError,
  load,
}: {
  notify: Notify;
  onClose(): void;
  setError(error: string | null): void;
  load(keepError: boolean): void;
}) {
  const [busy, setBusy] = useState(false);
  const act = <T>(what: Promise<T>, done: (value: T) => string) => {
    setBusy(true);
    setError(null);
    what.then(
      (v) => {
        setBusy(false);
        notify(done(v));
        onClose();
      },
      (err: Error) => {
        setBusy(false);
        setError(err.message);
        load(true);
      },
    );
  };
  return { busy, act };
}
