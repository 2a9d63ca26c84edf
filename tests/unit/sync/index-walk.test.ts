// The paged, event-loop-friendly walk of a folder's index must see exactly what the one-query walk
// sees: every name once with all its devices' entries, even where a name's rows straddle a page.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDb } from "../../../server/db/connection";
import { SyncConfig } from "../../../server/sync/config";
import { IndexStore } from "../../../server/sync/index-store";
import type { FileRecord } from "../../../server/sync/records";
import { fileRecord } from "../../support/records";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-walk-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PEER = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD";

function rec(name: string, size: number, counter: bigint, extra: Partial<FileRecord> = {}): FileRecord {
  return fileRecord(name, { size, modifiedS: 1_700_000_000, version: [{ id: 1n, value: counter }], ...extra });
}

it("walks pages in name order and agrees with the single-query walk on need, counts and completion", async () => {
  const { db, sqlite, close } = openDb(path.join(dir, "index.db"));
  const config = new SyncConfig(db, "AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA");
  config.addDevice({ deviceId: PEER });
  config.addFolder({ id: "f", path: path.join(dir, "f"), devices: [PEER] });
  const store = new IndexStore(sqlite);
  // 5,000 local names; the peer has a newer version of every third one, an extra name every
  // seventh, and the same version of the rest of what it holds: names with one and two rows
  // alternate, so page boundaries fall inside a name's rows too.
  const local: FileRecord[] = [];
  const remote: FileRecord[] = [];
  for (let i = 0; i < 5000; i++) {
    const name = `d${String(i % 37).padStart(2, "0")}/f${String(i).padStart(5, "0")}`;
    local.push(rec(name, i, 1n));
    if (i % 3 === 0) remote.push(rec(name, i + 1, 2n, { sequence: i + 1 }));
    else if (i % 2 === 0) remote.push(rec(name, i, 1n, { sequence: i + 1 }));
    if (i % 7 === 0) remote.push(rec(`${name}.extra`, 10, 1n, { sequence: 10_000 + i }));
  }
  for (let i = 0; i < local.length; i += 1000) store.commitLocal("f", local.slice(i, i + 1000));
  store.putRemote("f", PEER, remote, true);

  const seen: string[] = [];
  let rows = 0;
  await store.forEachNameAsync("f", (name, cands) => {
    seen.push(name);
    rows += cands.length;
  });
  expect(seen.length).toBe(new Set([...local, ...remote].map((r) => r.name)).size);
  expect(new Set(seen).size).toBe(seen.length);
  expect(rows).toBe(local.length + remote.length);
  expect([...seen].sort()).toEqual(seen);

  const need = store.need("f");
  expect(need.length).toBe(Math.ceil(5000 / 3) + Math.ceil(5000 / 7));
  expect((await store.needAsync("f")).map((n) => [n.name, n.global.size])).toEqual(need.map((n) => [n.name, n.global.size]));
  expect(await store.countsAsync("f")).toEqual(store.counts("f"));
  expect(await store.completionAsync("f", PEER)).toEqual(store.completion("f", PEER));
  close();
});

it("lists local names in pages, so the scanner can commit between the names it takes", () => {
  const { db, sqlite, close } = openDb(path.join(dir, "names.db"));
  const config = new SyncConfig(db, "AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA-AAAAAAA");
  config.addFolder({ id: "g", path: path.join(dir, "g") });
  const store = new IndexStore(sqlite);
  const names = Array.from({ length: 2500 }, (_, i) => `dir/f${String(i).padStart(4, "0")}`);
  store.commitLocal("g", names.map((n) => rec(n, 1, 1n)));
  // The deletion pass: a commit after every few hundred names, while the listing goes on.
  const seen: string[] = [];
  for (const name of store.localNames("g", "dir")) {
    seen.push(name);
    if (seen.length % 300 === 0) store.commitLocal("g", [rec(name, 1, 1n, { deleted: true, blockHashes: null, size: 0 })]);
  }
  expect(seen).toEqual(names);
  expect([...store.localNames("g", "")]).toHaveLength(2500 - 8);
  expect([...store.localNames("g", "dir/f000")]).toEqual([]); // a prefix is a path, not a string prefix
  expect([...store.localNames("g", "dir/f0002")]).toEqual(["dir/f0002"]);
  close();
});
