import { describe, expect, it } from "vitest";
import { CronError, nextTick, parseCron, ticksBetween } from "../../../server/dr/schedule/cron";

const local = (t: number, zone: string) => new Date(t).toLocaleString("sv-SE", { timeZone: zone });
const series = (expr: string, zone: string, fromIso: string, n: number) => {
  const out: string[] = [];
  let t = Date.parse(fromIso);
  for (let i = 0; i < n; i++) {
    t = nextTick(parseCron(expr), zone, t)!;
    out.push(`${new Date(t).toISOString()} ${local(t, zone)}`);
  }
  return out;
};

describe("cron schedules on a wall clock", () => {
  it("a daily 02:30 runs once at 03:00 on the spring-forward day (02:30 does not exist)", () => {
    expect(series("30 2 * * *", "Europe/Berlin", "2026-03-27T12:00:00Z", 3)).toEqual([
      "2026-03-28T01:30:00.000Z 2026-03-28 02:30:00",
      "2026-03-29T01:00:00.000Z 2026-03-29 03:00:00",
      "2026-03-30T00:30:00.000Z 2026-03-30 02:30:00",
    ]);
  });

  it("a daily 02:30 runs once, on the first 02:30, on the fall-back day (02:30 happens twice)", () => {
    const ticks = ticksBetween(parseCron("30 2 * * *"), "Europe/Berlin", Date.parse("2026-10-24T12:00:00Z"), Date.parse("2026-10-26T12:00:00Z"));
    expect(ticks.map((t) => new Date(t).toISOString())).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
  });

  it("in US time zones too (America/New_York, 2026-03-08 and 2026-11-01)", () => {
    expect(series("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 2).map((s) => s.split(" ").slice(1).join(" "))).toEqual(["2026-03-08 03:00:00", "2026-03-09 02:30:00"]);
    const fall = ticksBetween(parseCron("30 1 * * *"), "America/New_York", Date.parse("2026-10-31T12:00:00Z"), Date.parse("2026-11-01T12:00:00Z"));
    expect(fall.map((t) => new Date(t).toISOString())).toEqual(["2026-11-01T05:30:00.000Z"]); // EDT, the first 01:30
  });

  it("Europe/Moscow has no daylight saving: @daily is 21:00 UTC every day", () => {
    expect(series("@daily", "Europe/Moscow", "2026-03-27T00:00:00Z", 3).map((s) => s.split(" ")[0])).toEqual([
      "2026-03-27T21:00:00.000Z",
      "2026-03-28T21:00:00.000Z",
      "2026-03-29T21:00:00.000Z",
    ]);
  });

  it("hourly skips the missing hour and does not repeat the doubled one", () => {
    const spring = ticksBetween(parseCron("@hourly"), "Europe/Berlin", Date.parse("2026-03-28T23:30:00Z"), Date.parse("2026-03-29T03:30:00Z"));
    expect(spring.map((t) => local(t, "Europe/Berlin").slice(11))).toEqual(["01:00:00", "03:00:00", "04:00:00", "05:00:00"]);
    const fall = ticksBetween(parseCron("@hourly"), "Europe/Berlin", Date.parse("2026-10-24T22:30:00Z"), Date.parse("2026-10-25T03:30:00Z"));
    expect(fall.map((t) => local(t, "Europe/Berlin").slice(11))).toEqual(["01:00:00", "02:00:00", "03:00:00", "04:00:00"]);
  });

  it("understands presets, steps, names, L and #", () => {
    expect(series("*/20 9-10 * JAN-FEB MON-FRI", "UTC", "2026-01-02T10:50:00Z", 2)[0]).toBe("2026-01-05T09:00:00.000Z 2026-01-05 09:00:00");
    expect(series("0 0 L * *", "UTC", "2026-02-01T00:00:00Z", 1)[0]).toContain("2026-02-28T00:00");
    expect(series("0 9 * * MON#2", "UTC", "2026-06-01T00:00:00Z", 1)[0]).toContain("2026-06-08T09:00");
    expect(series("@weekly", "UTC", "2026-06-01T00:00:00Z", 1)[0]).toContain("2026-06-07T00:00"); // Sunday
    expect(series("@monthly", "UTC", "2026-06-01T00:00:00Z", 1)[0]).toContain("2026-07-01T00:00");
  });

  it("refuses bad expressions with the reason", () => {
    expect(() => parseCron("* * *")).toThrow(new CronError("expected five fields (minute hour day-of-month month day-of-week), got 3"));
    expect(() => parseCron("0 24 * * *")).toThrow(/hour: "24"/);
    expect(() => parseCron("@fortnightly")).toThrow(/unknown preset/);
    expect(() => parseCron("5-1 * * * *")).toThrow(/runs backwards/);
  });
});
