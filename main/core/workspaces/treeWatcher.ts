// File changes in an agent's worktree, to keep its changes badge current. chokidar watches each
// folder with fs.watch (inotify on Linux, FSEvents-backed on macOS) and walks the tree without
// blocking; Node 20's own recursive watch walks a large tree synchronously on Linux.
import { sep } from 'node:path';
import { watch } from 'chokidar';

export interface TreeWatch {
  close(): Promise<void>;
}

/** Watches folders (and single files) for changes; `onError` hears one that cannot be watched. */
export type WatchTree = (paths: string[], onChange: () => void, onError: (err: Error) => void) => TreeWatch;

/**
 * Folders never watched: git's own data (watched through the worktree's git dir instead), and
 * dependency and build folders whose churn would spend inotify watches on nothing reviewable
 * (their changes still count at each turn's end).
 */
const IGNORED =
  /(^|[/\\])(\.git|node_modules|\.venv|venv|__pycache__|target|\.gradle|\.next|\.cache)([/\\]|$)/;

export const watchTree: WatchTree = (paths, onChange, onError) => {
  const watcher = watch(paths, {
    ignoreInitial: true,
    persistent: false,
    // Judged below the watched root: the worktree's git dir (inside the repository's .git) is
    // itself one of the paths, and the worktree's own `.git` is only a file pointing at it.
    ignored: (path) => {
      const root = paths.find((p) => path === p || path.startsWith(p + sep));
      return IGNORED.test(root ? path.slice(root.length) : path);
    },
  });
  watcher.on('all', () => onChange());
  watcher.on('error', (err) => onError(err instanceof Error ? err : new Error(String(err))));
  return { close: () => watcher.close() };
};
