// Cooperative time slicing for work done on the event loop. On this kind of machine (a VM) every
// asynchronous fs call costs 40–70 µs of main-thread time in thread-pool wake-ups, far more than
// the lstat or 4 KiB read itself (a 100,000-file scan spent 20 s of its main thread on them), so
// the scanner makes such calls synchronously and gives the loop a turn every SLICE_MS: requests
// from the console wait at most one slice, not one whole batch.
const SLICE_MS = 8;

export class TimeSlicer {
  private since = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Resolves at once inside the slice; after it, lets pending I/O and timers run first. */
  async yieldIfDue(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}
