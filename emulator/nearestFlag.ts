/** "Did you mean": the known flag nearest to a mistyped one, for the CLI's usage errors. */

/**
 * Edit distance with adjacent transpositions (optimal string alignment): insertions, deletions,
 * substitutions and swapping two neighbouring characters each cost 1, so `prot` is one edit from `port`.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, rows[i - 2]![j - 2]! + 1);
      }
      row.push(distance);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known name closest to `name`, when it is close enough to be a typo: at most a third of the
 * longer name's length away (`sed` → `seed`, `stop-second` → `stop-seconds`), or a known name that
 * starts with it (`--hidden` → `--hidden-task-ms`). Ties go to the first in `known`'s order.
 */
export function nearestFlag(name: string, known: readonly string[]): string | undefined {
  let best: { flag: string; distance: number } | undefined;
  for (const flag of known) {
    const distance = editDistance(name, flag);
    if (best === undefined || distance < best.distance) best = { flag, distance };
  }
  if (best !== undefined && best.distance <= Math.max(1, Math.floor(Math.max(name.length, best.flag.length) / 3))) {
    return best.flag;
  }
  return name.length >= 3 ? known.find((flag) => flag.startsWith(name)) : undefined;
}
