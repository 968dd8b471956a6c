// Review and merge, shared by `agent changes|diff|merge|pr` and `task diff|merge|pr`.
import type { OptionSpec } from '../kit/commandKit.js';
import type { StudioCalls } from '../../contract/service.js';
import { formatChanges } from '../kit/format.js';
import { json, out, stdout, warn } from '../kit/io.js';
import type { CliValues } from '../kit/options.js';
import { printable, printableLine } from '../kit/printable.js';
import { UsageError } from '../kit/usage.js';

/** The options of `agent merge` and `task merge`. */
export const MERGE_OPTIONS: OptionSpec[] = [
  { name: 'into', value: 'BRANCH', help: 'merge into this branch (default: its base)' },
  { name: 'ff', help: 'fast-forward only, no merge commit' },
  { name: 'dry-run', help: 'say what the merge would do, changing nothing (exit code 1: refused)' },
  { name: 'force', help: 'merge a task whose check failed, is stale, still runs or never ran' },
  { name: 'json', help: 'print JSON' },
];

/** Review and merge, for an agent's worktree or a task's branch. */
export async function workCommand(
  sub: 'changes' | 'diff' | 'merge' | 'pr',
  target: { agent: string } | { taskId: number },
  values: CliValues,
  service: StudioCalls,
): Promise<number> {
  if (sub === 'changes' && 'agent' in target) {
    const changes = await service.agentChanges(target.agent);
    if (values.json) json(changes);
    else {
      // What a merge would do now, by its own checks; one that cannot tell says why.
      const merge = await service.previewMerge(target).then(
        (p) => p.text,
        (err: Error) => `cannot tell: ${err.message}`,
      );
      out(`${formatChanges(changes)}\n  merge: ${printableLine(merge)}`);
    }
  } else if (sub === 'diff') {
    const diff = await service.workDiff(target);
    if (!diff.patch) out(`No changes on ${diff.branch} against ${diff.base}.`);
    else stdout.write(printable(diff.patch));
    if (diff.truncated) warn('The diff was cut: it is larger than the studio sends at once.');
  } else if (sub === 'merge') {
    const input = {
      ...target,
      ...(values.into !== undefined ? { into: values.into } : {}),
      mode: values.ff ? ('fast-forward' as const) : ('merge-commit' as const),
      ...(values.force ? { force: true } : {}),
    };
    if (values['dry-run']) {
      const preview = await service.previewMerge(input);
      if (values.json) json(preview);
      else out(printableLine(preview.text));
      return preview.refusal ? 1 : 0;
    }
    const result = await service.merge(input);
    if (values.json) json(result);
    else
      out(
        `Merged ${result.branch} into ${result.into} (${result.mode === 'fast-forward' ? 'fast-forward' : 'merge commit'} ${result.commit.slice(0, 10)}): ${result.files.length} file${result.files.length === 1 ? '' : 's'} changed.${result.taskId ? ` Task #${result.taskId} is done.` : ''}`,
      );
  } else if (sub === 'pr') {
    out(`Opened ${await service.openPullRequest(target)}`);
  } else throw new UsageError('changes is for an agent: `agent changes NAME`.');
  return 0;
}
