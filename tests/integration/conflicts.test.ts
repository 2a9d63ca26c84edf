import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conflictsRouter } from "../../server/api/routers/conflicts";
import { versionsRouter } from "../../server/api/routers/versions";
import { createCallerFactory, router } from "../../server/api/trpc";
import conflictsCommand from "../../server/cli/commands/conflicts";
import versionsCommand from "../../server/cli/commands/versions";
import { audit } from "../../server/db/schema";
import type { FerryEvent } from "../../server/events/types";
import { runCommand } from "../support/cli-local";
import { contextFor } from "../support/runtime";
import { pair, startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";

// Two Ferry nodes on loopback; conflicts are made the real way (both sides edit while the link
// is paused) and every resolution is checked on both disks.
let a: TestSyncNode;
let b: TestSyncNode;
let dirA: string;
let dirB: string;
const events: FerryEvent[] = [];
// Only the routers under test, so this file does not depend on other domains' routers.
const testRouter = router({ conflicts: conflictsRouter, versions: versionsRouter });
const api = (n: TestSyncNode) => createCallerFactory(testRouter)(contextFor(n, { kind: "apikey", user: null, actor: "api-key" }));
const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), "utf8");
const copiesIn = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes(".sync-conflict-")).sort();
const same = () => JSON.stringify(treeOf(dirA)) === JSON.stringify(treeOf(dirB));
const CLI_FILES = ["cli-both.txt", "cli-merge.txt", "cli-bulk-1.txt", "cli-bulk-2.txt"];
const FILES = ["keep-current.txt", "keep-conflict.txt", "keep-both.txt", "merge.txt", "bulk-1.txt", "bulk-2.txt", "bad.txt", "vanish.txt", "max.txt", ...CLI_FILES];
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Both nodes edit `names` while apart, beta a second later: beta wins, alpha's edits become the copies. */
async function collide(names: string[], round = "") {
  a.rt.sync.updateDevice(b.deviceId, { paused: true }, "test");
  await waitFor(() => !a.rt.sync.sessions.has(b.deviceId) && !b.rt.sync.sessions.has(a.deviceId), "disconnect");
  for (const f of names) fs.writeFileSync(path.join(dirA, f), `alpha's ${f}${round}\nshared line\n`);
  await a.rt.sync.rescan("docs", { wait: true });
  await pause(1100);
  for (const f of names) fs.writeFileSync(path.join(dirB, f), `beta's ${f}${round}\nshared line\n`);
  await b.rt.sync.rescan("docs", { wait: true });
  a.rt.sync.updateDevice(b.deviceId, { paused: false }, "test");
}

beforeAll(async () => {
  a = await startSyncNode({ name: "alpha" });
  b = await startSyncNode({ name: "beta" });
  a.rt.events.subscribe((e) => events.push(e));
  pair(a, b);
  dirA = path.join(a.home, "docs");
  dirB = path.join(b.home, "docs");
  fs.mkdirSync(dirA, { recursive: true });
  for (const f of FILES) fs.writeFileSync(path.join(dirA, f), `base of ${f}\n`);
  a.rt.sync.addFolder({ id: "docs", path: dirA, devices: [b.deviceId], fsWatcherDelayS: 0.1 }, "test");
  b.rt.sync.addFolder({ id: "docs", path: dirB, devices: [a.deviceId], fsWatcherDelayS: 0.1 }, "test");
  await waitFor(() => FILES.every((f) => fs.existsSync(path.join(dirB, f))), "first sync");

  // Both edit every file while apart; beta's edits are a second newer, so beta wins everywhere.
  await collide(FILES);
  await waitFor(() => copiesIn(dirA).length === FILES.length && copiesIn(dirB).length === FILES.length && same(), "conflict copies on both nodes", 60_000);
  // Beta received the copies as ordinary files; its scan of the index lists them as conflicts too.
  await waitFor(() => b.rt.sync.conflicts.list({ folderId: "docs" }).length === FILES.length, "beta to list the conflicts");
}, 120_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
});

const conflictOf = (name: string) => {
  const c = a.rt.sync.conflicts.list({ folderId: "docs" }).find((x) => x.name === name);
  if (!c) throw new Error(`no open conflict for ${name}`);
  return c;
};
let resolvedId = 0;
const settle = async (what: string) => waitFor(same, what, 30_000);

describe("conflict list and preview", () => {
  it("lists every conflict with both versions' size, mtime, modifier and hash", async () => {
    const list = await api(a).conflicts.list({ search: "KEEP-" });
    expect(list.map((c) => c.name).sort()).toEqual(["keep-both.txt", "keep-conflict.txt", "keep-current.txt"]);
    const c = list.find((x) => x.name === "keep-current.txt")!;
    expect(c.winner).toMatchObject({ size: "beta's keep-current.txt\nshared line\n".length, modifiedBy: b.deviceId.slice(0, 7) });
    expect(c.loser).toMatchObject({ size: "alpha's keep-current.txt\nshared line\n".length, modifiedBy: a.deviceId.slice(0, 7) });
    expect(c.winner.hash).not.toBe(c.loser.hash);
    expect(c.winner.modifiedS).toBeGreaterThan(0);
  });

  it("shows both texts with a line diff", async () => {
    const shown = await api(a).conflicts.show({ id: conflictOf("merge.txt").id });
    expect(shown.preview.current.text).toBe("beta's merge.txt\nshared line\n");
    expect(shown.preview.conflict.text).toBe("alpha's merge.txt\nshared line\n");
    expect(shown.preview.diff![0].lines.map((l) => l.op + l.text)).toEqual(["-beta's merge.txt", "+alpha's merge.txt", "=shared line"]);
  });
});

describe("each resolution, on both disks", () => {
  it("keep current: the copy disappears everywhere, the winner stays", async () => {
    const c = conflictOf("keep-current.txt");
    await api(a).conflicts.resolve({ id: c.id, choice: "keepCurrent" });
    resolvedId = c.id;
    await settle("keep current to reach beta");
    for (const dir of [dirA, dirB]) {
      expect(read(dir, "keep-current.txt")).toBe("beta's keep-current.txt\nshared line\n");
      expect(fs.existsSync(path.join(dir, c.conflictName))).toBe(false);
    }
  });

  it("keep conflict: the losing version becomes the file on every node", async () => {
    const c = conflictOf("keep-conflict.txt");
    await api(a).conflicts.resolve({ id: c.id, choice: "keepConflict" });
    await waitFor(() => read(dirB, "keep-conflict.txt").startsWith("alpha's"), "keep conflict on beta");
    await settle("keep conflict");
    for (const dir of [dirA, dirB]) {
      expect(read(dir, "keep-conflict.txt")).toBe("alpha's keep-conflict.txt\nshared line\n");
      expect(fs.existsSync(path.join(dir, c.conflictName))).toBe(false);
    }
  });

  it("keep both: the copy gets the user's name everywhere", async () => {
    const c = conflictOf("keep-both.txt");
    await api(a).conflicts.resolve({ id: c.id, choice: "keepBoth", newName: "sub/keep-both (alpha).txt" });
    await waitFor(() => fs.existsSync(path.join(dirB, "sub/keep-both (alpha).txt")), "renamed copy on beta");
    await settle("keep both");
    for (const dir of [dirA, dirB]) {
      expect(read(dir, "keep-both.txt")).toBe("beta's keep-both.txt\nshared line\n");
      expect(read(dir, "sub/keep-both (alpha).txt")).toBe("alpha's keep-both.txt\nshared line\n");
      expect(fs.existsSync(path.join(dir, c.conflictName))).toBe(false);
    }
  });

  it("use this content: the merged upload replaces the file on every node", async () => {
    const c = conflictOf("merge.txt");
    const merged = "alpha's merge.txt\nbeta's merge.txt\nshared line\n";
    await api(a).conflicts.resolve({ id: c.id, choice: "useContent", contentBase64: Buffer.from(merged).toString("base64") });
    await waitFor(() => read(dirB, "merge.txt") === merged, "merged file on beta");
    await settle("merge");
    expect(read(dirA, "merge.txt")).toBe(merged);
    expect(fs.existsSync(path.join(dirB, c.conflictName))).toBe(false);
  });

  it("bulk: many conflicts take one choice at once", async () => {
    const ids = ["bulk-1.txt", "bulk-2.txt"].map((n) => conflictOf(n).id);
    const r = await api(a).conflicts.resolveMany({ ids: [...ids, 999_999], choice: "keepCurrent" });
    expect(r.resolved.map((x) => x.id).sort()).toEqual([...ids].sort());
    expect(r.failed).toEqual([{ id: 999_999, error: "no conflict 999999" }]);
    await settle("bulk");
    for (const dir of [dirA, dirB]) expect(copiesIn(dir).filter((n) => n.startsWith("bulk-"))).toEqual([]);
  });

  it("a copy deleted by hand closes its conflict on both nodes", async () => {
    const c = conflictOf("vanish.txt");
    fs.rmSync(path.join(dirB, c.conflictName));
    await waitFor(() => !fs.existsSync(path.join(dirA, c.conflictName)), "deletion to reach alpha");
    await waitFor(() => a.rt.sync.conflicts.get(c.id)?.resolution === "copyRemoved", "alpha to close the conflict");
    await waitFor(() => !b.rt.sync.conflicts.list().some((x) => x.name === "vanish.txt"), "beta to close the conflict");
  });

  it("every resolution is an event and an audit row", () => {
    const resolved = events.filter((e) => e.type === "conflict.resolved").map((e) => (e.data as { choice: string; by: string }).choice);
    expect(resolved).toEqual(expect.arrayContaining(["keepCurrent", "keepConflict", "keepBoth", "useContent", "copyRemoved"]));
    const rows = a.rt.db.select().from(audit).where(eq(audit.action, "conflict.resolve")).all();
    expect(rows.map((r) => JSON.parse(r.detail).choice).sort()).toEqual(["keepBoth", "keepConflict", "keepCurrent", "keepCurrent", "keepCurrent", "useContent"]);
    expect(rows.every((r) => r.actor === "api-key")).toBe(true);
  });
});

describe("bad input changes nothing", () => {
  it("refuses a resolved or unknown conflict, a name outside the folder, and an existing target", async () => {
    const before = { a: treeOf(dirA), b: treeOf(dirB) };
    await expect(api(a).conflicts.resolve({ id: resolvedId, choice: "keepConflict" })).rejects.toThrow(/already resolved/);
    await expect(api(a).conflicts.resolve({ id: 424242, choice: "keepCurrent" })).rejects.toThrow(/no conflict 424242/);
    const bad = conflictOf("bad.txt");
    await expect(api(a).conflicts.resolve({ id: bad.id, choice: "keepBoth", newName: "../escape.txt" })).rejects.toThrow(/not allowed/);
    await expect(api(a).conflicts.resolve({ id: bad.id, choice: "keepBoth", newName: "/etc/escape.txt" })).rejects.toThrow(/not allowed/);
    await expect(api(a).conflicts.resolve({ id: bad.id, choice: "keepBoth", newName: "keep-current.txt" })).rejects.toThrow(/already exists/);
    await expect(api(a).conflicts.resolve({ id: bad.id, choice: "keepBoth" })).rejects.toThrow(/needs the name/);
    expect(fs.existsSync(path.join(a.home, "escape.txt"))).toBe(false);
    expect(treeOf(dirA)).toEqual(before.a);
    expect(treeOf(dirB)).toEqual(before.b);
    expect(a.rt.sync.conflicts.get(bad.id)!.resolvedAt).toBeNull();
  });

  it("finds a conflict copy made while offline and refuses a merged upload in a receive-only folder", async () => {
    const ro = path.join(a.home, "replica");
    fs.mkdirSync(ro, { recursive: true });
    fs.writeFileSync(path.join(ro, "plan.txt"), "current\n");
    fs.writeFileSync(path.join(ro, "plan.sync-conflict-20240110-120000-ABCDEFG.txt"), "older\n");
    a.rt.sync.addFolder({ id: "replica", path: ro, type: "receiveonly", devices: [], fsWatcherEnabled: false }, "test");
    await waitFor(() => a.rt.sync.conflicts.list({ folderId: "replica" }).length === 1, "scanner to find the copy");
    const c = a.rt.sync.conflicts.list({ folderId: "replica" })[0];
    expect(c).toMatchObject({ name: "plan.txt", conflictName: "plan.sync-conflict-20240110-120000-ABCDEFG.txt" });
    const before = treeOf(ro);
    await expect(api(a).conflicts.resolve({ id: c.id, choice: "useContent", contentBase64: Buffer.from("merged").toString("base64") })).rejects.toThrow(/receive-only/);
    expect(treeOf(ro)).toEqual(before);
    // The copy removed by hand before a scan noticed: the conflict no longer exists on disk.
    fs.rmSync(path.join(ro, c.conflictName));
    await expect(api(a).conflicts.resolve({ id: c.id, choice: "keepConflict" })).rejects.toThrow(`the conflict copy ${c.conflictName} is gone; nothing to resolve`);
    expect(read(ro, "plan.txt")).toBe("current\n");
    expect(fs.readdirSync(ro).filter((n) => !n.startsWith("."))).toEqual(["plan.txt"]);
  });
});

describe("versioning of files a peer replaced or deleted", () => {
  it("keeps the old file in .stversions, lists it, and restores it as a new change everywhere", async () => {
    await api(b).versions.setVersioning({ folderId: "docs", type: "simple", params: { keep: "3" } });
    fs.writeFileSync(path.join(dirA, "report.txt"), "first draft\n");
    await waitFor(() => fs.existsSync(path.join(dirB, "report.txt")) && read(dirB, "report.txt") === "first draft\n", "report on beta");
    fs.writeFileSync(path.join(dirA, "report.txt"), "second draft\n");
    await waitFor(() => read(dirB, "report.txt") === "second draft\n", "edit on beta");
    const listed = await api(b).versions.list({ folderId: "docs", path: "report.txt" });
    expect(listed.versioning).toEqual({ type: "simple", params: { keep: "3" } });
    expect(listed.files).toHaveLength(1);
    const [v] = listed.files[0].versions;
    expect(v.version).toMatch(/^report~\d{8}-\d{6}\.txt$/);
    expect(fs.readFileSync(path.join(dirB, ".stversions", v.version), "utf8")).toBe("first draft\n");
    // A local edit is not versioned: only what a peer replaces.
    expect(fs.existsSync(path.join(dirA, ".stversions"))).toBe(false);

    await api(b).versions.restore({ folderId: "docs", path: "report.txt", version: v.version });
    await waitFor(() => read(dirA, "report.txt") === "first draft\n", "restored file on alpha");
    expect(read(dirB, "report.txt")).toBe("first draft\n");
    const after = await api(b).versions.list({ folderId: "docs", path: "report.txt" });
    const kept = after.files[0].versions.map((x) => fs.readFileSync(path.join(dirB, ".stversions", x.version), "utf8")).sort();
    expect(kept).toEqual(["first draft\n", "second draft\n"]);

    fs.rmSync(path.join(dirA, "report.txt"));
    await waitFor(() => !fs.existsSync(path.join(dirB, "report.txt")), "deletion on beta");
    const deleted = await api(b).versions.list({ folderId: "docs" });
    expect(deleted.files.find((f) => f.path === "report.txt")!.versions.length).toBe(3);

    const audits = b.rt.db.select().from(audit).all().map((r) => r.action);
    expect(audits).toEqual(expect.arrayContaining(["folder.versioning", "version.restore"]));
  });

  it("refuses a bad versioning config and a restore outside the folder", async () => {
    await expect(api(b).versions.setVersioning({ folderId: "docs", type: "simple", params: { keep: "0" } })).rejects.toThrow(/keep must be/);
    await expect(api(b).versions.setVersioning({ folderId: "docs", type: "staggered", params: { keep: "3" } })).rejects.toThrow(/has no parameter keep/);
    await expect(api(b).versions.restore({ folderId: "docs", path: "../x.txt", version: "../x~20240110-120000.txt" })).rejects.toThrow(/cannot restore "..\/x.txt"/);
    expect(b.rt.sync.config.folder("docs")!.versioning).toEqual({ type: "simple", params: { keep: "3" } });
  });

  it("the ferry versions CLI lists and restores versions and sets versioning, each an event and an audit row", async () => {
    const listed = (await runCommand(b, versionsCommand, "list", "docs", "report.txt")).split("\n");
    expect(listed.slice(0, 2)).toEqual(["versioning: simple", "report.txt"]);
    expect(listed.slice(2)).toHaveLength(3);
    for (const line of listed.slice(2)) expect(line).toMatch(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d+ bytes {2}report~\d{8}-\d{6}\.txt$/);
    const { files } = await api(b).versions.list({ folderId: "docs", path: "report.txt" });
    const second = files[0].versions.find((v) => fs.readFileSync(path.join(dirB, ".stversions", v.version), "utf8") === "second draft\n")!.version;
    expect(await runCommand(b, versionsCommand, "restore", "docs", "report.txt", second)).toBe(`restored report.txt from ${second}`);
    await waitFor(() => fs.existsSync(path.join(dirA, "report.txt")) && read(dirA, "report.txt") === "second draft\n", "the restored version on alpha");
    expect(await runCommand(b, versionsCommand, "set", "docs", "staggered", "--param", "maxAge=86400")).toBe('versioning of docs: staggered {"maxAge":"86400"}');
    await expect(runCommand(b, versionsCommand, "set", "docs", "simple", "--param", "keep")).rejects.toThrow('--param takes key=value, got "keep"');
    expect(b.rt.sync.config.folder("docs")!.versioning).toEqual({ type: "staggered", params: { maxAge: "86400" } });
    const rows = b.rt.db.select().from(audit).all().filter((r) => r.actor === "cli").map((r) => r.action);
    expect(rows).toEqual(["version.restore", "folder.versioning"]);
    expect(b.rt.events.recent(500).map((e) => e.type)).toEqual(expect.arrayContaining(["versioning.changed", "version.restored"]));
  });
});

describe("the ferry conflicts CLI", () => {
  it("lists both versions' size, time, modifier and hash, and shows the line diff", async () => {
    const listed = await runCommand(a, conflictsCommand, "list", "--folder", "docs", "--search", "cli-both");
    const c = conflictOf("cli-both.txt");
    const lines = listed.split("\n");
    expect(lines[0]).toBe(`${String(c.id).padEnd(6)} ${"docs".padEnd(16)} cli-both.txt`);
    const size = (who: string) => `${who}'s cli-both.txt\nshared line\n`.length;
    expect(lines[1]).toMatch(new RegExp(`^ +current: +${size("beta")} bytes, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d, by ${b.deviceId.slice(0, 7)}, ${c.winner.hash.slice(0, 16)}$`));
    expect(lines[2]).toMatch(new RegExp(`^ +conflict: +${size("alpha")} bytes, .*, by ${a.deviceId.slice(0, 7)}, ${c.loser.hash.slice(0, 16)} +\\(${c.conflictName.replaceAll(".", "\\.")}\\)$`));
    expect(lines).toHaveLength(3);

    const shown = await runCommand(a, conflictsCommand, "show", String(conflictOf("cli-merge.txt").id));
    expect(shown.split("\n").slice(-3)).toEqual(["-beta's cli-merge.txt", "+alpha's cli-merge.txt", " shared line"]);
  });

  it("refuses bad input with a clear error and changes nothing on disk", async () => {
    const before = { a: treeOf(dirA), b: treeOf(dirB) };
    const id = String(conflictOf("cli-both.txt").id);
    await expect(runCommand(a, conflictsCommand, "resolve", "999999", "--keep", "current")).rejects.toThrow("no conflict 999999");
    await expect(runCommand(a, conflictsCommand, "resolve", "cli-both.txt", "--keep", "current")).rejects.toThrow('conflict IDs are numbers (see ferry conflicts list), got "cli-both.txt"');
    await expect(runCommand(a, conflictsCommand, "resolve", id, "--keep", "both")).rejects.toThrow("--keep both needs --name NEW-NAME");
    await expect(runCommand(a, conflictsCommand, "resolve", id, "--keep", "both", "--name", "../out.txt")).rejects.toThrow(/not allowed/);
    await expect(runCommand(a, conflictsCommand, "resolve", id, "--keep", "theirs")).rejects.toThrow('--keep must be current, conflict or both, got "theirs"');
    await expect(runCommand(a, conflictsCommand, "resolve", id, "--content", path.join(a.home, "no-such-file"))).rejects.toThrow(/^cannot read /);
    expect(treeOf(dirA)).toEqual(before.a);
    expect(treeOf(dirB)).toEqual(before.b);
    expect(fs.existsSync(path.join(a.home, "out.txt"))).toBe(false);
  });

  it("resolves with keep both, merged content from a file, and several at once; every node ends the same", async () => {
    const both = conflictOf("cli-both.txt");
    expect(await runCommand(a, conflictsCommand, "resolve", String(both.id), "--keep", "both", "--name", "cli-both (alpha).txt")).toMatch(
      new RegExp(`^resolved ${both.id} \\(cli-both\\.txt\\): keepBoth; changed `),
    );
    const merge = conflictOf("cli-merge.txt");
    const merged = "alpha's and beta's cli-merge.txt\nshared line\n";
    const upload = path.join(a.home, "merged.txt");
    fs.writeFileSync(upload, merged);
    await runCommand(a, conflictsCommand, "resolve", String(merge.id), "--content", upload);
    const bulk = ["cli-bulk-1.txt", "cli-bulk-2.txt"].map((n) => conflictOf(n));
    expect(await runCommand(a, conflictsCommand, "resolve", ...bulk.map((c) => String(c.id)), "--keep", "conflict")).toBe(
      bulk.map((c) => `resolved ${c.id} (${c.name}): conflict`).join("\n"),
    );
    await waitFor(() => same() && read(dirB, "cli-merge.txt") === merged && fs.existsSync(path.join(dirB, "cli-both (alpha).txt")), "the CLI's resolutions on beta", 30_000);
    for (const dir of [dirA, dirB]) {
      expect(read(dir, "cli-both.txt")).toBe("beta's cli-both.txt\nshared line\n");
      expect(read(dir, "cli-both (alpha).txt")).toBe("alpha's cli-both.txt\nshared line\n");
      expect(read(dir, "cli-merge.txt")).toBe(merged);
      for (const c of bulk) expect(read(dir, c.name)).toBe(`alpha's ${c.name}\nshared line\n`);
      expect(copiesIn(dir).filter((n) => n.startsWith("cli-"))).toEqual([]);
    }
    const rows = a.rt.db.select().from(audit).where(eq(audit.action, "conflict.resolve")).all().filter((r) => r.actor === "cli");
    expect(rows.map((r) => JSON.parse(r.detail).choice).sort()).toEqual(["keepBoth", "keepConflict", "keepConflict", "useContent"]);
  });
});

describe("maxConflicts", () => {
  const maxCopies = (dir: string) => copiesIn(dir).filter((n) => n.startsWith("max."));

  it("defaults to 10; at 1 a new conflict replaces the older copy on every node; at 0 no copy is made", async () => {
    expect(a.rt.sync.config.folder("docs")!.maxConflicts).toBe(10);
    const [first] = maxCopies(dirA);
    expect(maxCopies(dirA)).toEqual([first]);
    // Alpha's watcher off: the pruned copy must reach beta as a deletion without one noticing it.
    await a.rt.sync.updateFolder("docs", { maxConflicts: 1, fsWatcherEnabled: false }, "test");
    await pause(1000); // a copy's name has the second it was made
    await collide(["max.txt"], " (round 2)");
    await waitFor(() => maxCopies(dirA).length === 1 && maxCopies(dirA)[0] !== first && same(), "the second copy to replace the first on both nodes", 30_000);
    const second = maxCopies(dirA)[0];
    expect(read(dirA, second)).toBe("alpha's max.txt (round 2)\nshared line\n");
    expect(maxCopies(dirB)).toEqual([second]);
    await waitFor(() => a.rt.sync.conflicts.list({ folderId: "docs" }).filter((c) => c.name === "max.txt").length === 1, "the pruned copy's conflict to close");

    await a.rt.sync.updateFolder("docs", { maxConflicts: 0 }, "test");
    await collide(["max.txt"], " (round 3)");
    await waitFor(() => read(dirA, "max.txt") === "beta's max.txt (round 3)\nshared line\n" && same(), "beta's round 3 on alpha", 30_000);
    expect(maxCopies(dirA)).toEqual([second]);
    expect(maxCopies(dirB)).toEqual([second]);
  });
});
