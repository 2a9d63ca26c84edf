"use client";

import { useT } from "@/components/i18n/i18n-provider";
import { layoutDag } from "./dag-layout";
import { viewColours, viewLabel, type TaskView } from "./task-state";

export interface GraphTask {
  id: string;
  kind: string;
  needs: string[];
  view: TaskView | null;
}

const BOX_W = 168;
const BOX_H = 52;
const GAP_X = 56;
const GAP_Y = 22;
const PAD = 12;

/**
 * A plan's DAG as SVG: columns by longest path from the roots, arrows left to right, each box
 * coloured by its task's state in the run shown (null = no run: a neutral box). Clicking a box
 * calls onSelect, so the run page can open that task's log.
 */
export function DagGraph({ tasks, selected, onSelect, label }: { tasks: GraphTask[]; selected?: string | null; onSelect?: (id: string) => void; label: string }) {
  const t = useT();
  const layout = layoutDag(tasks);
  const pos = new Map(layout.nodes.map((n) => [n.id, { x: PAD + n.layer * (BOX_W + GAP_X), y: PAD + n.row * (BOX_H + GAP_Y) }]));
  const width = PAD * 2 + layout.layers * BOX_W + Math.max(0, layout.layers - 1) * GAP_X;
  const height = PAD * 2 + layout.rows * BOX_H + Math.max(0, layout.rows - 1) * GAP_Y;
  const byId = new Map(tasks.map((x) => [x.id, x]));
  return (
    <div className="overflow-x-auto">
      <svg role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="font-sans" data-testid="dag-graph">
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#94a3b8" />
          </marker>
        </defs>
        {layout.edges.map((e) => {
          const a = pos.get(e.from)!;
          const b = pos.get(e.to)!;
          const x1 = a.x + BOX_W;
          const y1 = a.y + BOX_H / 2;
          const x2 = b.x - 2;
          const y2 = b.y + BOX_H / 2;
          const mid = (x1 + x2) / 2;
          return <path key={`${e.from}>${e.to}`} d={`M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`} fill="none" stroke="#94a3b8" strokeWidth={1.5} markerEnd="url(#dag-arrow)" />;
        })}
        {layout.nodes.map((n) => {
          const task = byId.get(n.id)!;
          const p = pos.get(n.id)!;
          const c = task.view ? viewColours[task.view] : { fill: "#ffffff", stroke: "#cbd5e1", text: "#334155" };
          const state = task.view ? t(viewLabel(task.view)) : "";
          const isSelected = selected === n.id;
          return (
            <g
              key={n.id}
              transform={`translate(${p.x} ${p.y})`}
              data-testid={`dag-task-${n.id}`}
              data-state={task.view ?? "none"}
              role={onSelect ? "button" : undefined}
              tabIndex={onSelect ? 0 : undefined}
              aria-label={`${n.id}${state ? `: ${state}` : ""}`}
              onClick={onSelect ? () => onSelect(n.id) : undefined}
              onKeyDown={onSelect ? (e) => (e.key === "Enter" || e.key === " ") && onSelect(n.id) : undefined}
              className={onSelect ? "cursor-pointer" : undefined}
            >
              <rect width={BOX_W} height={BOX_H} rx={7} fill={c.fill} stroke={c.stroke} strokeWidth={isSelected ? 3 : 1.5} />
              <text x={10} y={21} fontSize={13} fontWeight={600} fill={c.text}>
                {clip(n.id, 20)}
              </text>
              <text x={10} y={39} fontSize={11} fill={c.text} opacity={0.85}>
                {clip(state ? `${task.kind} · ${state}` : task.kind, 26)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
