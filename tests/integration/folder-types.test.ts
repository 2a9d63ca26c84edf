import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import deviceCommand from "../../server/cli/commands/device";
import folderCommand from "../../server/cli/commands/folder";
import { runCommand } from "../support/cli-local";
import { audit } from "../../server/db/schema";
import type { EventType } from "../../server/events/types";
import { pair, startSyncNode, treeOf, waitFor, type TestSyncNode } from "../support/sync-nodes";

// Three Ferry nodes on loopback: node 1 send-only (the primary), nodes 2 and 3 receive-only replicas.
const F = "ft";
let n1: TestSyncNode;
let n2: TestSyncNode;
let n3: TestSyncNode;
const dir = (n: TestSyncNode) => path.join(n.home, "ft");
const read = (n: TestSyncNode, name: string) => fs.readFileSync(path.join(dir(n), name), "utf8");
const write = (n: TestSyncNode, name: string, text: string) => fs.writeFileSync(path.join(dir(n), name), text);
const rescan = (n: TestSyncNode) => n.rt.sync.rescan(F, { wait: true });
const same = (a: TestSyncNode, b: TestSyncNode) => JSON.stringify(treeOf(dir(a))) === JSON.stringify(treeOf(dir(b)));
/** Node `on` holds `from`'s announcement of `name` (so a propagated change would have had its chance). */
const announced = (on: TestSyncNode, from: TestSyncNode, name: string, check: (r: { invalid: boolean; deleted: boolean }) => boolean) =>
  waitFor(() => {
    const r = on.rt.sync.store.get(F, from.deviceId, name);
    return !!r && check(r);
  }, `${name} from ${from.deviceId.slice(0, 7)} on ${on.deviceId.slice(0, 7)}`);
const auditActions = (n: TestSyncNode) => n.rt.db.select().from(audit).all().map((r) => r.action);
const cli = runCommand;
const eventTypes = (n: TestSyncNode): EventType[] => n.rt.events.recent(500).map((e) => e.type);

beforeAll(async () => {
  [n1, n2, n3] = await Promise.all([startSyncNode({ name: "one" }), startSyncNode({ name: "two" }), startSyncNode({ name: "three" })]);
  pair(n1, n2);
  pair(n1, n3);
  pair(n2, n3);
  fs.mkdirSync(path.join(dir(n1), "docs"), { recursive: true });
  write(n1, "a.txt", "a from one\n");
  write(n1, "b.txt", "b from one\n");
  write(n1, "docs/c.txt", "c from one\n");
  const opts = { id: F, rescanIntervalS: 3600, fsWatcherEnabled: false };
  n1.rt.sync.addFolder({ ...opts, path: dir(n1), type: "sendonly", devices: [n2.deviceId, n3.deviceId] }, "test");
  n2.rt.sync.addFolder({ ...opts, path: dir(n2), type: "receiveonly", devices: [n1.deviceId, n3.deviceId] }, "test");
  n3.rt.sync.addFolder({ ...opts, path: dir(n3), type: "receiveonly", devices: [n1.deviceId, n2.deviceId] }, "test");
  await waitFor(() => same(n1, n2) && same(n1, n3), "both replicas to receive node 1's files", 60_000);
}, 120_000);

afterAll(async () => {
  await Promise.all([n1?.close(), n2?.close(), n3?.close()]);
});

describe("folder types across three Ferry nodes", () => {
  it("a change on a receive-only node stays local, is announced invalid and is listed", async () => {
    write(n2, "a.txt", "a edited on two, longer\n");
    write(n2, "added-on-two.txt", "only here\n");
    fs.rmSync(path.join(dir(n2), "docs/c.txt"));
    await rescan(n2);
    expect(n2.rt.sync.localChanges(F).map((c) => [c.name, c.action])).toEqual([
      ["a.txt", "modified"],
      ["added-on-two.txt", "added"],
      ["docs/c.txt", "deleted"],
    ]);
    // The other nodes got the announcements and left their disks alone.
    await announced(n1, n2, "added-on-two.txt", (r) => r.invalid);
    await announced(n3, n2, "a.txt", (r) => r.invalid);
    await announced(n3, n2, "docs/c.txt", (r) => r.invalid && r.deleted);
    await n1.rt.sync.runner(F).idle();
    await n3.rt.sync.runner(F).idle();
    expect(read(n1, "a.txt")).toBe("a from one\n");
    expect(read(n3, "a.txt")).toBe("a from one\n");
    expect(fs.existsSync(path.join(dir(n3), "added-on-two.txt"))).toBe(false);
    expect(fs.existsSync(path.join(dir(n3), "docs/c.txt"))).toBe(true);
    // Node 1 sees nothing out of sync: an invalid entry never becomes the global version.
    expect(n1.rt.sync.outOfSync(F)).toEqual([]);
    // And node 2 itself does not pull over its own change.
    await n2.rt.sync.runner(F).idle();
    expect(read(n2, "a.txt")).toBe("a edited on two, longer\n");
  });

  it("Revert Local Changes restores the cluster's state, deletes local additions, makes no conflict copies", async () => {
    const result = await n2.rt.sync.revert(F, "tester");
    expect(result.deleted).toEqual(["added-on-two.txt"]);
    expect(result.reverted.sort()).toEqual(["a.txt", "docs/c.txt"]);
    await waitFor(() => same(n1, n2), "node 2 back to node 1's state");
    expect(treeOf(dir(n2))).toEqual(treeOf(dir(n1)));
    expect(fs.readdirSync(dir(n2)).filter((n) => n.includes("sync-conflict"))).toEqual([]);
    expect(n2.rt.sync.localChanges(F)).toEqual([]);
    expect(eventTypes(n2)).toContain("folder.reverted");
    const row = n2.rt.db.select().from(audit).all().find((r) => r.action === "folder.revert");
    expect(row?.actor).toBe("tester");
  });

  it("an edit undone on a receive-only node (same bytes, same mtime) is merged back and no longer listed", async () => {
    const file = path.join(dir(n2), "docs/c.txt");
    const original = fs.readFileSync(file);
    // Restore the mtime to the microsecond: Date keeps only milliseconds, and a float of seconds
    // is exact only to about 0.2 µs, so aim at the middle of the microsecond (as the puller does).
    const ns = fs.statSync(file, { bigint: true }).mtimeNs;
    const mtime = Number(ns / 1_000_000_000n) + (Number((ns % 1_000_000_000n) / 1000n) + 0.5) / 1e6;
    fs.writeFileSync(file, "c edited on two for a moment\n");
    await rescan(n2);
    expect(n2.rt.sync.localChanges(F).map((c) => c.name)).toEqual(["docs/c.txt"]);
    fs.writeFileSync(file, original);
    fs.utimesSync(file, mtime, mtime);
    await rescan(n2);
    expect(n2.rt.sync.localChanges(F)).toEqual([]);
    expect(n2.rt.sync.store.getLocal(F, "docs/c.txt")?.version).toEqual(n1.rt.sync.store.getLocal(F, "docs/c.txt")?.version);
  });

  it("a change on the send-only node reaches both receive-only nodes", async () => {
    write(n1, "b.txt", "b edited on one, v2\n");
    write(n1, "docs/new.txt", "new on one\n");
    await rescan(n1);
    await waitFor(() => same(n1, n2) && same(n1, n3), "node 1's change on both replicas");
    expect(read(n3, "b.txt")).toBe("b edited on one, v2\n");
    expect(read(n2, "docs/new.txt")).toBe("new on one\n");
  });

  it("a send-only node applies nothing remote, lists it, and Override makes its state win everywhere", async () => {
    // Node 2 edits while receive-only, then becomes send-receive at runtime (what failover does):
    // the edit turns into an ordinary change without rescanning anything.
    write(n2, "b.txt", "b edited on two, the promoted edit\n");
    await rescan(n2);
    expect(n2.rt.sync.localChanges(F).map((c) => c.name)).toEqual(["b.txt"]);
    const hashedBefore = n2.rt.sync.runner(F).bytesHashed;
    await n2.rt.sync.updateFolder(F, { type: "sendreceive" }, "tester");
    expect(n2.rt.sync.runner(F).promoted).toBe(1);
    await n2.rt.sync.runner(F).idle();
    expect(n2.rt.sync.runner(F).bytesHashed).toBe(hashedBefore);
    // The receive-only node 3 applies it; the send-only node 1 does not, and lists it.
    await waitFor(() => read(n3, "b.txt") === "b edited on two, the promoted edit\n", "node 2's promoted edit on node 3");
    await waitFor(() => n1.rt.sync.outOfSync(F).length === 1, "node 1 to list b.txt as out of sync");
    expect(n1.rt.sync.outOfSync(F)).toMatchObject([{ name: "b.txt", action: "modify", device: n2.deviceId }]);
    expect(read(n1, "b.txt")).toBe("b edited on one, v2\n");

    const { items } = await n1.rt.sync.override(F, "tester");
    expect(items).toEqual(["b.txt"]);
    await waitFor(() => same(n1, n2) && same(n1, n3), "node 1's state everywhere after Override");
    expect(read(n2, "b.txt")).toBe("b edited on one, v2\n");
    expect(read(n3, "b.txt")).toBe("b edited on one, v2\n");
    expect(n1.rt.sync.outOfSync(F)).toEqual([]);
    expect(eventTypes(n1)).toContain("folder.overridden");
    expect(eventTypes(n2)).toContain("folder.typeChanged");
    expect(auditActions(n1)).toContain("folder.override");
    expect(auditActions(n2)).toContain("folder.type");
    await n2.rt.sync.updateFolder(F, { type: "receiveonly" }, "tester");
  });

  it("a paused folder takes no changes until it is resumed", async () => {
    await n3.rt.sync.updateFolder(F, { paused: true }, "tester");
    expect(n3.rt.sync.runner(F).state).toBe("paused");
    write(n1, "a.txt", "a while three was paused\n");
    await rescan(n1);
    await waitFor(() => read(n2, "a.txt") === "a while three was paused\n", "node 2 to get the change");
    await new Promise((r) => setTimeout(r, 1000));
    expect(read(n3, "a.txt")).toBe("a from one\n");
    await n3.rt.sync.updateFolder(F, { paused: false }, "tester");
    await waitFor(() => read(n3, "a.txt") === "a while three was paused\n", "node 3 to catch up after resume");
    expect(eventTypes(n3)).toEqual(expect.arrayContaining(["folder.paused", "folder.resumed"]));
    expect(auditActions(n3)).toEqual(expect.arrayContaining(["folder.pause", "folder.resume"]));
  });

  it("a paused device is disconnected and comes back when resumed", async () => {
    n1.rt.sync.updateDevice(n2.deviceId, { paused: true }, "tester");
    await waitFor(() => !n1.rt.sync.sessions.has(n2.deviceId) && !n2.rt.sync.sessions.has(n1.deviceId), "node 1 and 2 to disconnect");
    await new Promise((r) => setTimeout(r, 1500));
    expect(n1.rt.sync.sessions.has(n2.deviceId)).toBe(false);
    n1.rt.sync.updateDevice(n2.deviceId, { paused: false }, "tester");
    await waitFor(() => n1.rt.sync.sessions.has(n2.deviceId), "node 1 and 2 to reconnect");
    expect(eventTypes(n1)).toEqual(expect.arrayContaining(["device.paused", "device.resumed"]));
    expect(auditActions(n1)).toEqual(expect.arrayContaining(["device.pause", "device.resume"]));
  });

  it("bad input gets a clear error and changes nothing on disk", async () => {
    const before = [treeOf(dir(n1)), treeOf(dir(n2))];
    await expect(n1.rt.sync.revert(F, "tester")).rejects.toThrow("revert applies to receiveonly folders; folder ft is sendonly");
    await expect(n2.rt.sync.override(F, "tester")).rejects.toThrow("override applies to sendonly folders; folder ft is receiveonly");
    await expect(n2.rt.sync.revert("nope", "tester")).rejects.toThrow("no folder nope");
    expect(() => n2.rt.sync.localChanges("nope")).toThrow("no folder nope");
    await expect(n2.rt.sync.updateFolder(F, { type: "mirror" as never }, "tester")).rejects.toThrow('invalid folder type "mirror"');
    expect(() => n1.rt.sync.addFolder({ id: "inside", path: path.join(dir(n1), "docs"), type: "receiveonly" }, "tester")).toThrow(/overlaps folder ft/);
    expect(n2.rt.sync.config.folder(F)?.type).toBe("receiveonly");
    // A paused folder is left alone, local changes and all.
    write(n2, "added-while-paused.txt", "stays\n");
    await rescan(n2);
    await n2.rt.sync.updateFolder(F, { paused: true }, "tester");
    await expect(n2.rt.sync.revert(F, "tester")).rejects.toThrow("folder ft is paused; resume it before revert");
    expect(read(n2, "added-while-paused.txt")).toBe("stays\n");
    await n2.rt.sync.updateFolder(F, { paused: false }, "tester");
    await n2.rt.sync.revert(F, "tester");
    expect([treeOf(dir(n1)), treeOf(dir(n2))]).toEqual(before);
  });

  it("the CLI reverts, overrides, lists, changes type, pauses and limits, recorded as the CLI", async () => {
    write(n2, "a.txt", "a edited on two via cli test, long\n");
    await rescan(n2);
    expect(await cli(n2, folderCommand, "changes", F)).toBe("modified file    a.txt");
    expect(await cli(n2, folderCommand, "revert", F)).toBe(`reverted 1 item(s), deleted 0 local addition(s) in ${F}`);
    await waitFor(() => same(n1, n2), "node 2 reverted through the CLI");
    expect(await cli(n2, folderCommand, "changes", F)).toBe("no local changes");
    expect(await cli(n1, folderCommand, "changes", F)).toBe("in sync");
    expect(await cli(n1, folderCommand, "override", F)).toBe(`overrode 0 item(s) in ${F}: this device's state now wins everywhere`);
    await expect(cli(n1, folderCommand, "revert", F)).rejects.toThrow("revert applies to receiveonly folders");
    await expect(cli(n1, folderCommand, "type", F, "mirror")).rejects.toThrow("T must be one of sendreceive, sendonly, receiveonly");
    expect(await cli(n3, folderCommand, "type", F, "sendreceive")).toBe(`folder ${F} is now sendreceive`);
    expect(await cli(n3, folderCommand, "type", F, "receiveonly")).toBe(`folder ${F} is now receiveonly`);
    expect(await cli(n3, folderCommand, "pause", F)).toBe(`paused ${F}`);
    expect(await cli(n3, folderCommand, "resume", F)).toBe(`resumed ${F}`);
    expect(await cli(n1, deviceCommand, "limit", n3.deviceId, "--send", "512")).toBe(`${n3.deviceId}: send 512 KiB/s, receive unlimited KiB/s`);
    await expect(cli(n1, deviceCommand, "limit", n3.deviceId, "--send", "-3")).rejects.toThrow('--send must be a whole number of KiB/s (0 = unlimited), not "-3"');
    expect(await cli(n1, deviceCommand, "limit", n3.deviceId, "--send", "0")).toBe(`${n3.deviceId}: send unlimited KiB/s, receive unlimited KiB/s`);
    expect(await cli(n1, deviceCommand, "pause", n3.deviceId)).toBe(`paused ${n3.deviceId}`);
    expect(await cli(n1, deviceCommand, "resume", n3.deviceId)).toBe(`resumed ${n3.deviceId}`);
    const extra = path.join(n3.home, "extra");
    expect(await cli(n3, folderCommand, "add", "extra", extra, "--type", "sendonly")).toBe(`added folder extra (sendonly) at ${extra}`);
    expect(n3.rt.sync.config.folder("extra")?.type).toBe("sendonly");
    await expect(cli(n3, folderCommand, "add", "extra2", `${extra}2`, "--type", "mirror")).rejects.toThrow("--type must be one of sendreceive, sendonly, receiveonly");
    expect(n3.rt.sync.config.folder("extra2")).toBeUndefined();
    const rows = (n: TestSyncNode) => n.rt.db.select().from(audit).all().filter((r) => r.actor === "cli").map((r) => r.action);
    expect(rows(n2)).toContain("folder.revert");
    expect(rows(n1)).toEqual(expect.arrayContaining(["folder.override", "device.pause", "device.resume", "device.update"]));
    expect(rows(n3)).toEqual(expect.arrayContaining(["folder.add", "folder.type", "folder.pause", "folder.resume"]));
    await waitFor(() => n1.rt.sync.sessions.has(n3.deviceId), "node 1 and 3 to reconnect");
  });
});
