// Which line of the branch's file a click in diff2html's markup is on: in the unified layout its
// row's new-side number; side by side, a row of the right-hand (new) table. A removed line has no
// line on the branch, so it takes no comment.
export type ClickedLine = { line: number } | { removed: true } | undefined;

export function clickedLine(target: EventTarget | null): ClickedLine {
  if (!(target instanceof Element)) return undefined;
  const row = target.closest('tr');
  if (!row) return undefined;
  const unified = row.querySelector('.line-num2');
  if (unified) return lineOf(unified.textContent);
  const side = row.querySelector('.d2h-code-side-linenumber');
  if (!side) return undefined;
  // The second table side by side is the branch's version.
  const tables = row.closest('.d2h-files-diff')?.querySelectorAll('.d2h-file-side-diff');
  const right = tables && tables.length > 1 ? tables[1] : undefined;
  if (!right?.contains(row)) return { removed: true };
  return lineOf(side.textContent);
}

function lineOf(text: string | null): ClickedLine {
  const n = Number((text ?? '').trim());
  return Number.isInteger(n) && n > 0 ? { line: n } : { removed: true };
}
