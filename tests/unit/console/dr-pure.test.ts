import { describe, expect, it } from "vitest";
import { layoutDag } from "@/components/dr/dag-layout";
import { diffText } from "@/components/dr/line-diff";
import { rpoTone } from "@/components/dr/rpo-tone";

describe("DAG layout", () => {
  it("puts each task one column right of its furthest need", () => {
    const l = layoutDag([
      { id: "backup", needs: [] },
      { id: "verify", needs: ["backup"] },
      { id: "replicate", needs: ["backup"] },
      { id: "mail", needs: ["verify", "replicate", "backup"] },
    ]);
    const at = Object.fromEntries(l.nodes.map((n) => [n.id, n.layer]));
    expect(at).toEqual({ backup: 0, verify: 1, replicate: 1, mail: 2 });
    expect(l.layers).toBe(3);
    expect(l.rows).toBe(2);
    expect(l.edges).toHaveLength(5);
    // Two tasks in one column never share a row.
    const col1 = l.nodes.filter((n) => n.layer === 1).map((n) => n.row);
    expect(new Set(col1).size).toBe(2);
  });

  it("draws a draft with a cycle or an unknown need without hanging", () => {
    const l = layoutDag([
      { id: "a", needs: ["b", "ghost"] },
      { id: "b", needs: ["a"] },
    ]);
    expect(l.nodes.map((n) => n.id).sort()).toEqual(["a", "b"]);
    expect(l.edges.some((e) => e.from === "ghost")).toBe(false);
  });
});

describe("line diff", () => {
  it("marks removed and added lines against the common ones", () => {
    const rows = diffText("id: p\nschedule: '@daily'\ntasks: []\n", "id: p\nschedule: '@hourly'\ntasks: []\nrpo: 2h\n");
    expect(rows.map((r) => `${r.op} ${r.text}`)).toEqual(["same id: p", "del schedule: '@daily'", "add schedule: '@hourly'", "same tasks: []", "add rpo: 2h"]);
  });

  it("falls back to whole-text replace when the texts are too big to compare", () => {
    expect(diffText("a\nb", "c", 1).map((r) => r.op)).toEqual(["del", "del", "add"]);
  });
});

describe("RPO colour", () => {
  const h = 3_600_000;
  it("is green up to the target, amber to twice it, red beyond or with no copy", () => {
    expect(rpoTone(h, h)).toBe("good");
    expect(rpoTone(h + 1, h)).toBe("warn");
    expect(rpoTone(2 * h, h)).toBe("warn");
    expect(rpoTone(2 * h + 1, h)).toBe("bad");
    expect(rpoTone(null, h)).toBe("bad");
    expect(rpoTone(5 * h, null)).toBe("muted");
  });
});

describe("plan form fields", () => {
  it("reads top-level fields and writes one back without disturbing the rest", async () => {
    const { readFields, writeField } = await import("@/components/dr/plan-fields");
    const src = "# nightly copy\nid: p\nschedule: '@daily'\ntasks:\n  - { id: a, kind: shell, needs: [b] }\n";
    expect(readFields(src)).toMatchObject({ id: "p", schedule: "@daily", rpo: "" });
    const out = writeField(src, "rpo", "4h");
    expect(out).toContain("# nightly copy");
    expect(out).toContain("rpo: 4h");
    expect(out).toContain("needs: [b]");
    expect(writeField(out, "rpo", "")).not.toContain("rpo:");
    expect(readFields("id: [unclosed")).toBeNull();
  });
});
