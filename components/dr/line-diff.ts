export interface DiffRow {
  op: "same" | "add" | "del";
  text: string;
  /** Line number in the old text (same, del) or the new one (add). */
  line: number;
}

/**
 * Line diff of two texts by longest common subsequence. Plans are a few hundred lines at most,
 * so the quadratic table is small; past `maxCells` it falls back to "all removed, all added"
 * rather than freezing the page.
 */
export function diffText(before: string, after: string, maxCells = 4_000_000): DiffRow[] {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.at(-1) === "") a.pop();
  if (b.at(-1) === "") b.pop();
  if (a.length * b.length > maxCells)
    return [...a.map((text, i) => ({ op: "del" as const, text, line: i + 1 })), ...b.map((text, i) => ({ op: "add" as const, text, line: i + 1 }))];
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const w = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push({ op: "same", text: a[i], line: i + 1 });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
      rows.push({ op: "del", text: a[i], line: i + 1 });
      i++;
    } else {
      rows.push({ op: "add", text: b[j], line: j + 1 });
      j++;
    }
  }
  return rows;
}
