/** A task as the graph needs it: its id and the ids it waits for. */
export interface DagNode {
  id: string;
  needs: string[];
}

export interface PlacedNode {
  id: string;
  /** Column: the longest path from a root (a task with no needs) to this task. */
  layer: number;
  /** Row within the column. */
  row: number;
}

export interface DagLayout {
  nodes: PlacedNode[];
  edges: { from: string; to: string }[];
  layers: number;
  rows: number;
}

/**
 * Layered layout: each task sits one column right of its furthest need, so every edge points
 * right. Rows inside a column follow the mean row of the needs (one barycentre pass), which keeps
 * a chain on one line and most edges short. Unknown needs are ignored, and a cycle (the validator
 * refuses those, but the editor draws drafts) is cut where the walk meets it.
 */
export function layoutDag(tasks: DagNode[]): DagLayout {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let d = 0;
    for (const n of byId.get(id)?.needs ?? []) if (byId.has(n) && n !== id) d = Math.max(d, depth(n) + 1);
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  for (const t of tasks) depth(t.id);

  const columns: string[][] = [];
  for (const t of tasks) (columns[layer.get(t.id)!] ??= []).push(t.id);
  const row = new Map<string, number>();
  columns.forEach((col, c) => {
    const keyed = col.map((id, i) => {
      const needRows = (byId.get(id)?.needs ?? []).map((n) => row.get(n)).filter((r): r is number => r !== undefined);
      return { id, key: c === 0 || !needRows.length ? i : needRows.reduce((a, b) => a + b, 0) / needRows.length, i };
    });
    keyed.sort((a, b) => a.key - b.key || a.i - b.i);
    keyed.forEach((k, r) => row.set(k.id, r));
  });

  const edges = tasks.flatMap((t) => [...new Set(t.needs)].filter((n) => byId.has(n) && n !== t.id).map((n) => ({ from: n, to: t.id })));
  return {
    nodes: tasks.map((t) => ({ id: t.id, layer: layer.get(t.id)!, row: row.get(t.id)! })),
    edges,
    layers: columns.length,
    rows: Math.max(0, ...columns.map((c) => c?.length ?? 0)),
  };
}
