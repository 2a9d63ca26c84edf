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
