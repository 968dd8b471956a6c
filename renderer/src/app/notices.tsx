import { useCallback, useEffect, useState } from 'react';
import type { Notify } from '../context/StudioContext.js';

/** How long a notice stays up. */
const NOTICE_MS = 4000;

interface Notice {
  text: string;
  error: boolean;
}

/** The one notice shown, and `notify` to show the next (which replaces it). */
export function useNotice(): { notice: Notice | null; notify: Notify } {
  const [notice, setNotice] = useState<Notice | null>(null);
  const notify = useCallback((text: string, error = false) => setNotice({ text, error }), []);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice]);
  return { notice, notify };
}

/** Shown over the tiles, never over the board, the feed or the message box. */
export function NoticeBar({ notice }: { notice: Notice | null }) {
  if (!notice) return null;
  return (
    <div className={`notice${notice.error ? ' error' : ''}`} role="status" data-testid="notice">
      {notice.text}
    </div>
  );
}
