// What the person is typing, kept in this tab's sessionStorage: a reconnect to the studio mounts the
// window anew (main.tsx), and a half-typed message must not be lost with it.
import { useCallback, useState } from 'react';

/** Keys of this studio's drafts, apart from anything else the page keeps. */
const DRAFT_PREFIX = 'ccstudio.draft.';

function readDraft<T>(key: string, initial: T): T {
  try {
    const raw = sessionStorage.getItem(DRAFT_PREFIX + key);
    return raw === null ? initial : (JSON.parse(raw) as T);
  } catch {
    return initial;
  }
}

/** useState for a draft: the value outlives the component; back to `initial`, it is forgotten. */
export function useDraft<T extends string | boolean>(key: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => readDraft(key, initial));
  const set = useCallback(
    (next: T) => {
      setValue(next);
      try {
        if (next === initial) sessionStorage.removeItem(DRAFT_PREFIX + key);
        else sessionStorage.setItem(DRAFT_PREFIX + key, JSON.stringify(next));
      } catch {
        // Storage refused (full, or off): the draft lives as long as the window does.
      }
    },
    [key, initial],
  );
  return [value, set];
}
