import type { StoredPlan } from "../plans/store";
import { parseCron, nextTick, ticksBetween, type Cron } from "./cron";

export interface SchedulerHost {
  plans(): StoredPlan[];
  /** A tick is due: start (or skip, or queue) a run. `catchup` marks a run missed while the node was down. */
  due(planId: string, tick: number, trigger: "schedule" | "catchup"): void;
  setLastTick(planId: string, tick: number): void;
  log(line: string): void;
  /** Runs the work of one timer fire in one database transaction (one WAL commit for all plans due together). */
  batch?(fn: () => void): void;
}

// Never sleep longer than this in one go: wall-clock jumps (NTP, suspend) are noticed within it.
const MAX_SLEEP_MS = 60_000;

/**
 * Fires plan schedules on time. One timer for the earliest due tick across all plans; it is
 * re-armed after every fire and on every plan change. Tick times are computed ahead, so firing
 * costs only the run start.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private next = new Map<string, number>();
  private readonly crons = new Map<string, Cron>();
  private running = false;

  constructor(private readonly host: SchedulerHost) {}

  private cron(expr: string): Cron {
    let c = this.crons.get(expr);
    if (!c) this.crons.set(expr, (c = parseCron(expr)));
    return c;
  }

  /** At start: a missed tick inside the plan's catch-up window runs once (the latest one); older ones are dropped. */
  start(now = Date.now()): void {
    this.running = true;
    for (const { plan, paused, lastTickAt } of this.host.plans()) {
      if (!plan.schedule || paused) continue;
      const from = lastTickAt ?? now;
      const missed = ticksBetween(this.cron(plan.schedule), plan.timezone, from, now, 100_000);
      const latest = missed.at(-1);
      if (latest === undefined) continue;
      this.host.setLastTick(plan.id, latest);
      if (plan.catchupMs > 0 && now - latest <= plan.catchupMs) {
        this.host.log(`plan ${plan.id}: ${missed.length} tick(s) missed while stopped; running the one of ${new Date(latest).toISOString()}`);
        this.host.due(plan.id, latest, "catchup");
      } else this.host.log(`plan ${plan.id}: ${missed.length} tick(s) missed while stopped, outside the catch-up window; not run`);
    }
    this.refresh();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Recomputes every plan's next tick (after apply, pause, resume, remove) and re-arms the timer. */
  refresh(now = Date.now()): void {
    if (!this.running) return;
    this.next.clear();
    for (const { plan, paused, lastTickAt } of this.host.plans()) {
      if (!plan.schedule || paused) continue;
      const t = nextTick(this.cron(plan.schedule), plan.timezone, Math.max(lastTickAt ?? now, now - 1));
      if (t !== null) this.next.set(plan.id, t);
    }
    this.arm();
  }

  /** Next fire time per plan, for the console and the CLI. */
  upcoming(planId: string, count = 5, from = Date.now()): number[] {
    const p = this.host.plans().find((x) => x.plan.id === planId);
    if (!p?.plan.schedule) return [];
    const out: number[] = [];
    const c = this.cron(p.plan.schedule);
    for (let t = nextTick(c, p.plan.timezone, from); t !== null && out.length < count; t = nextTick(c, p.plan.timezone, t)) out.push(t);
    return out;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.running || !this.next.size) return;
    const earliest = Math.min(...this.next.values());
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.min(earliest - Date.now(), MAX_SLEEP_MS)));
  }

  private fire(): void {
    this.timer = null;
    const now = Date.now();
    const due = [...this.next].filter(([, tick]) => tick <= now);
    const work = () => {
      for (const [planId, tick] of due) {
        this.next.delete(planId);
        this.host.setLastTick(planId, tick);
        try {
          this.host.due(planId, tick, "schedule");
        } catch (err) {
          this.host.log(`plan ${planId}: cannot start the run of ${new Date(tick).toISOString()}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    };
    if (this.host.batch) this.host.batch(work);
    else work();
    this.refresh(now);
  }
}
