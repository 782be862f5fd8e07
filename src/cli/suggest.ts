/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two strings. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/**
 * The commands a typo most likely meant: within a third of its length in edits (at least 2), or
 * the command whose first word the user typed in full (`farm` → `farm run`, `farm exits`).
 */
export function suggestCommands(typed: string, ids: readonly string[]): string[] {
  const t = typed.trim().toLowerCase();
  const scored = ids
    .map((id) => ({ id, d: editDistance(t, id) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(t.length / 3)))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id));
  if (scored.length)
    return scored
      .filter((x) => x.d === scored[0].d)
      .map((x) => x.id)
      .slice(0, 3);
  return ids.filter((id) => id.startsWith(`${t.split(' ')[0]} `)).slice(0, 3);
}
