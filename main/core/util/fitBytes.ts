/**
 * The leading items whose sizes add up to at most `max`, and always the first: a page of answers
 * that stays within a byte budget yet always makes progress.
 */
export function fitBytes<T>(items: T[], size: (item: T) => number, max: number): T[] {
  let total = 0;
  let n = 0;
  for (const item of items) {
    total += size(item);
    if (n > 0 && total > max) break;
    n++;
  }
  return n === items.length ? items : items.slice(0, n);
}
