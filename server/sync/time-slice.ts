// Cooperative time slicing for work done on the event loop. On this kind of machine (a VM) every
// asynchronous fs call costs 40–70 µs of main-thread time in thread-pool wake-ups, far more than
// the lstat or 4 KiB read itself (a 100,000-file scan spent 20 s of its main thread on them), so
// the scanner makes such calls synchronously and gives the loop a turn every SLICE_MS: requests
// from the console wait at most one slice, not one whole batch.
//
// A turn is not enough on its own: a console page is a chain of a few dozen callbacks (the
// document, Next's render, its chunks, the data query), and when each of them queues behind the
// next 8 ms slice the page takes hundreds of milliseconds longer than on an idle node. So while a
// request from a person is being answered (`foreground`), background work also waits for it to
// finish, up to MAX_DEFER_MS per slice so a stream of requests cannot stall a scan.
const SLICE_MS = 8;
/** The longest one slice waits for foreground work; then it runs anyway. */
const MAX_DEFER_MS = 50;
/**
 * A request counts as foreground for this long. A call that waits on purpose (a rescan with
 * `wait`, a long poll) would otherwise hold background work back until it is done, i.e. forever.
 */
const FOREGROUND_HOLD_MS = 2_000;

/** Requests being answered right now, by start time; background slices give way to them. */
export class Foreground {
  private readonly active = new Map<number, number>();
  private nextId = 0;
  private waiters: (() => void)[] = [];

  /** Marks one request as started; call the returned function once it is answered (idempotent). */
  begin(): () => void {
    const id = this.nextId++;
    this.active.set(id, performance.now());
    return () => {
      if (!this.active.delete(id)) return;
      if (!this.busy) this.wake();
    };
  }

  /** True while a request younger than FOREGROUND_HOLD_MS is in flight. */
  get busy(): boolean {
    if (this.active.size === 0) return false;
    const now = performance.now();
    for (const [id, start] of this.active) {
      if (now - start < FOREGROUND_HOLD_MS) return true;
      this.active.delete(id); // held long enough: it no longer counts (its end() is then a no-op)
    }
    return false;
  }

  /** Resolves once no request is in flight, or after maxMs, whichever comes first. */
  idle(maxMs: number): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      }, maxMs);
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** The process's one foreground tracker: the HTTP server marks requests, slicers give way. */
export const foreground = new Foreground();

export class TimeSlicer {
  private since = performance.now();

  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly fg: Foreground = foreground,
    private readonly maxDeferMs = MAX_DEFER_MS,
  ) {}

  /** Resolves at once inside the slice; after it, lets pending I/O, timers and foreground requests run first. */
  async yieldIfDue(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.fg.busy) await this.fg.idle(this.maxDeferMs);
    this.since = performance.now();
  }
}
