import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "../../../server/db/connection";
import { EventBus } from "../../../server/events/bus";

describe("event bus", () => {
  it("gives increasing ids that keep increasing after a restart", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bus-")), "ferry.db");
    let h = openDb(file);
    let bus = new EventBus(h.db);
    const a = bus.emit("settings.changed", { keys: ["deviceName"], by: "admin" });
    const b = bus.emit("user.logout", { username: "admin" });
    expect(b.id).toBe(a.id + 1);
    h.close();
    h = openDb(file);
    bus = new EventBus(h.db);
    const c = bus.emit("user.logout", { username: "admin" });
    expect(c.id).toBe(b.id + 1);
    // A client that saw only `a` before the restart gets exactly what followed it.
    expect(bus.since(a.id).map((e) => e.id)).toEqual([b.id, c.id]);
    expect(bus.since(a.id)[0]).toMatchObject({ type: "user.logout", data: { username: "admin" } });
    h.close();
  });

  it("serves old events from the log once they leave the in-memory ring", () => {
    const h = openDb(":memory:");
    const bus = new EventBus(h.db);
    for (let i = 0; i < 2500; i++) bus.emit("settings.changed", { keys: [String(i)], by: "t" });
    const old = bus.since(10, 5);
    expect(old.map((e) => e.id)).toEqual([11, 12, 13, 14, 15]);
    expect(old[0].data).toEqual({ keys: ["10"], by: "t" });
    h.close();
  });

  it("writes logged events in batches, yet never loses one to a reader, a quiet moment or a close", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bus-")), "ferry.db");
    let h = openDb(file);
    const bus = new EventBus(h.db);
    const rows = () => (h.sqlite.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n;
    const seen: number[] = [];
    bus.subscribe((e) => seen.push(e.id));
    for (let i = 0; i < 10; i++) bus.emit("settings.changed", { keys: [String(i)], by: "t" });
    expect(seen).toHaveLength(10); // subscribers hear of each event at once
    expect(rows()).toBe(0); // the log is written together, a moment later
    await new Promise((r) => setTimeout(r, 120));
    expect(rows()).toBe(10);
    // 500 held events are written at once, without waiting.
    for (let i = 0; i < 500; i++) bus.emit("settings.changed", { keys: [String(i)], by: "t" });
    expect(rows()).toBe(510);
    // A reader of the log (events older than the in-memory ring) gets what is still held too.
    for (let i = 0; i < 1599; i++) bus.emit("settings.changed", { keys: [String(i)], by: "t" });
    bus.emit("user.logout", { username: "a" });
    expect(rows()).toBe(2010);
    const old = bus.since(5, 5000);
    expect(old[0].id).toBe(6);
    expect(old.at(-1)).toMatchObject({ id: 2110, type: "user.logout" });
    expect(rows()).toBe(2110);
    // Closing the database writes what is held.
    bus.emit("user.logout", { username: "b" });
    h.close();
    h = openDb(file);
    expect(rows()).toBe(2111);
    h.close();
  });

  it("delivers to every subscriber even if one throws", () => {
    const bus = new EventBus(null);
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error("broken subscriber");
    });
    bus.subscribe((e) => seen.push(e.id));
    const orig = console.error;
    console.error = () => {};
    bus.emit("user.logout", { username: "x" });
    console.error = orig;
    expect(seen).toEqual([1]);
  });
});
