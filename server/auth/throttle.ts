/**
 * Slows down repeated wrong passwords. Failures are counted per key (the service uses the remote address);
 * after FREE_ATTEMPTS the next attempt must wait, and the wait doubles with each further failure
 * (1 s, 2 s, 4 s … capped at MAX_DELAY_MS). A success clears the counters for those keys.
 */
const FREE_ATTEMPTS = 3;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 5 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

interface Entry {
  failures: number;
  blockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds the caller must still wait before a new attempt is considered; 0 if allowed now. */
  retryAfter(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (now - entry.lastFailure > FORGET_AFTER_MS) {
        this.entries.delete(key);
        continue;
      }
      wait = Math.max(wait, entry.blockedUntil - now);
    }
    return Math.max(0, wait);
  }

  fail(keys: string[]): void {
    const now = this.now();
    for (const key of keys) {
      const entry = this.entries.get(key) ?? { failures: 0, blockedUntil: 0, lastFailure: 0 };
      entry.failures++;
      entry.lastFailure = now;
      if (entry.failures >= FREE_ATTEMPTS) {
        const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (entry.failures - FREE_ATTEMPTS));
        entry.blockedUntil = now + delay;
      }
      this.entries.set(key, entry);
    }
    if (this.entries.size > 10_000) this.prune(now);
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.entries.delete(key);
  }

  private prune(now: number) {
    for (const [key, entry] of this.entries) if (now - entry.lastFailure > FORGET_AFTER_MS) this.entries.delete(key);
  }
}
