import { describe, expect, it } from "vitest";
import { Foreground, TimeSlicer } from "../../../server/sync/time-slice";

const busyFor = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a slice of background work
  }
};

describe("TimeSlicer", () => {
  it("runs on inside a slice and yields once the slice is used up", async () => {
    const slicer = new TimeSlicer(5, new Foreground());
    let ran = false;
    setImmediate(() => (ran = true));
    await slicer.yieldIfDue();
    expect(ran).toBe(false); // still inside the first slice: no turn given
    busyFor(6);
    await slicer.yieldIfDue();
    expect(ran).toBe(true);
  });

  it("waits for a request in flight to be answered before its next slice", async () => {
    const fg = new Foreground();
    const slicer = new TimeSlicer(1, fg, 1_000);
    const answered = fg.begin();
    busyFor(2);
    const t0 = performance.now();
    setTimeout(answered, 30);
    await slicer.yieldIfDue();
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(25);
    expect(waited).toBeLessThan(500);
    expect(fg.busy).toBe(false);
  });

  it("does not wait longer than its deferral limit however busy the console is", async () => {
    const fg = new Foreground();
    const slicer = new TimeSlicer(1, fg, 20);
    const answered = fg.begin();
    busyFor(2);
    const t0 = performance.now();
    await slicer.yieldIfDue();
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(15);
    expect(waited).toBeLessThan(300);
    answered();
  });
});

describe("Foreground", () => {
  it("is busy from begin until every request is answered; answering twice is harmless", () => {
    const fg = new Foreground();
    expect(fg.busy).toBe(false);
    const a = fg.begin();
    const b = fg.begin();
    a();
    a();
    expect(fg.busy).toBe(true);
    b();
    expect(fg.busy).toBe(false);
  });

  it("stops counting a request held open for more than two seconds (a rescan with wait)", () => {
    const fg = new Foreground();
    const realNow = performance.now.bind(performance);
    const start = realNow();
    fg.begin();
    let now = start;
    const spy = Object.defineProperty(performance, "now", { value: () => now, configurable: true });
    try {
      now = start + 1_000;
      expect(fg.busy).toBe(true);
      now = start + 2_500;
      expect(fg.busy).toBe(false);
    } finally {
      Object.defineProperty(spy, "now", { value: realNow, configurable: true });
    }
  });
});
