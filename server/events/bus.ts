import { desc, gt, asc, lt } from "drizzle-orm";
import { beforeClose, type Db } from "../db/connection";
import { events } from "../db/schema";
import { ephemeralEventTypes, type EventMap, type EventType, type FerryEvent } from "./types";

type Listener = (event: FerryEvent) => void;

const RING_SIZE = 2000;
const KEEP_ROWS = 20_000;
/**
 * Logged events are written FLUSH_ROWS at a time or FLUSH_MS after the first one held, in one
 * transaction: a transaction of its own per event cost 1.7 s of the receiver's main thread for
 * a pull of 20,000 files (bench (b), one item.finished each). Subscribers still get each event at
 * once; readers of the log (since(), the console's recent changes) flush first, and so does the
 * database's close. A crash loses at most the last FLUSH_MS of the log, never sync state.
 */
const FLUSH_ROWS = 500;
const FLUSH_MS = 50;

/**
 * The typed event bus. Ids increase across restarts (the counter starts after the newest logged
 * event), so a client that reconnects asks for "everything after N" and gets exactly that.
 */
export class EventBus {
  private nextId: number;
  private readonly ring: FerryEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private sinceTrim = 0;

  /** A prepared insert: through drizzle's builder each event cost ~100 µs, 2 s for a pull of 20,000 files (bench (b)). */
  private readonly insert: { run(id: number, type: string, time: number, data: string): unknown } | null;

  private held: [id: number, type: string, time: number, data: string][] = [];
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Db | null) {
    this.insert = db ? db.$client.prepare("INSERT INTO events (id, type, time, data) VALUES (?, ?, ?, ?)") : null;
    if (db) beforeClose(db, () => this.flush());
    const last = db?.select({ id: events.id }).from(events).orderBy(desc(events.id)).limit(1).get();
    this.nextId = (last?.id ?? 0) + 1;
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  emit<T extends EventType>(type: T, data: EventMap[T]): FerryEvent<T> {
    const event: FerryEvent<T> = { id: this.nextId++, type, time: Date.now(), data };
    if (this.db && !ephemeralEventTypes.has(type)) {
      this.held.push([event.id, type, event.time, JSON.stringify(data)]);
      if (this.held.length >= FLUSH_ROWS) this.flush();
      else if (!this.flushTimer) {
        this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
        this.flushTimer.unref();
      }
    }
    this.ring.push(event);
    if (this.ring.length > RING_SIZE) this.ring.splice(0, this.ring.length - RING_SIZE);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // A broken subscriber must not stop the others or the emitter.
        console.error("event listener failed:", err);
      }
    }
    return event;
  }

  /** Writes the events held for the log (see FLUSH_ROWS); readers of the events table call it first. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.held.length || !this.db) return;
    const rows = this.held;
    this.held = [];
    const insert = this.insert!;
    this.db.$client.transaction(() => {
      for (const r of rows) insert.run(...r);
    })();
    this.sinceTrim += rows.length;
    if (this.sinceTrim >= 1000) this.trim();
  }

  /** Events with id > afterId, oldest first, from memory when possible, else from the log. */
  since(afterId: number, limit = 500): FerryEvent[] {
    const first = this.ring[0];
    if (first && afterId >= first.id - 1) return this.ring.filter((e) => e.id > afterId).slice(0, limit);
    if (!this.db) return this.ring.filter((e) => e.id > afterId).slice(0, limit);
    this.flush();
    return this.db
      .select()
      .from(events)
      .where(gt(events.id, afterId))
      .orderBy(asc(events.id))
      .limit(limit)
      .all()
      .map((row) => ({ id: row.id, type: row.type as EventType, time: row.time, data: JSON.parse(row.data) }));
  }

  /** The newest events, newest last. */
  recent(limit = 50): FerryEvent[] {
    return this.since(Math.max(0, this.lastId - limit), limit);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private trim() {
    this.sinceTrim = 0;
    this.db?.delete(events).where(lt(events.id, this.nextId - KEEP_ROWS)).run();
  }
}
