import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../../server/api/root";
import { createCallerFactory } from "../../../server/api/trpc";
import { contextFor, createTestNode } from "../../support/runtime";

type Node = Awaited<ReturnType<typeof createTestNode>>;
interface Row {
  id: number;
  folderId: string;
  name: string;
  action: string;
}

describe("console.recentChanges", () => {
  let node: Node;
  let api: { console: { recentChanges(input: { folderId?: string; beforeId?: number; limit?: number }): Promise<Row[]> } };

  beforeAll(async () => {
    node = await createTestNode();
    api = createCallerFactory(appRouter)(contextFor(node, { kind: "apikey", user: null, actor: "api-key" })) as unknown as typeof api;
    const ev = node.rt.events;
    // An old change in "docs", then a big scan of "big": 300 events of 250 items each, as a scan commits them.
    ev.emit("item.finished", { folderId: "docs", name: "old.txt", type: "file", action: "update", device: "ABCDEFG", error: null });
    for (let b = 0; b < 300; b++) {
      ev.emit("local.changed", { folderId: "big", items: Array.from({ length: 250 }, (_, i) => ({ name: `d${b}/f${i}`, type: "file", action: "modified" as const })) });
    }
    ev.emit("item.finished", { folderId: "docs", name: "new.txt", type: "file", action: "delete", device: "ABCDEFG", error: null });
  });
  afterAll(() => node.cleanup());

  it("lists the newest changes first, one row per item, up to the limit", async () => {
    const rows = await api.console.recentChanges({ limit: 100 });
    expect(rows).toHaveLength(100);
    expect(rows[0]).toMatchObject({ folderId: "docs", name: "new.txt", action: "delete" });
    expect(rows[1]).toMatchObject({ folderId: "big", name: "d299/f0", action: "modified" });
    expect(rows[99].name).toBe("d299/f98");
  });

  it("finds a folder's changes behind hundreds of other events", async () => {
    const rows = await api.console.recentChanges({ folderId: "docs", limit: 10 });
    expect(rows.map((r) => r.name)).toEqual(["new.txt", "old.txt"]);
  });

  it("pages back from an event id", async () => {
    const first = await api.console.recentChanges({ folderId: "docs", limit: 1 });
    const older = await api.console.recentChanges({ folderId: "docs", beforeId: first[0].id, limit: 10 });
    expect(older.map((r) => r.name)).toEqual(["old.txt"]);
  });
});
