import { asc, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/connection";
import { planVersions, plans } from "../../db/schema";
import { ConfigError } from "../../sync/config";
import { parsePlan } from "./parse";
import type { Plan } from "./types";

export interface StoredPlan {
  plan: Plan;
  version: number;
  source: string;
  paused: boolean;
  lastTickAt: number | null;
  updatedAt: number;
}

const toStored = (r: typeof plans.$inferSelect): StoredPlan => ({
  plan: JSON.parse(r.definition) as Plan,
  version: r.version,
  source: r.source,
  paused: r.paused,
  lastTickAt: r.lastTickAt,
  updatedAt: r.updatedAt,
});

/** Plans as applied, with every earlier version kept in plan_versions. */
export class PlanStore {
  // Plans change rarely and the scheduler reads them on every tick: keep them in memory, drop on write.
  private cache: Map<string, StoredPlan> | null = null;

  constructor(private readonly db: Db) {}

  private all(): Map<string, StoredPlan> {
    this.cache ??= new Map(this.db.select().from(plans).orderBy(asc(plans.id)).all().map((r) => [r.id, toStored(r)]));
    return this.cache;
  }

  /** Validates and stores a plan; an unchanged text is not a new version. */
  apply(source: string, by: string, name?: string): { stored: StoredPlan; changed: boolean } {
    const plan = parsePlan(source, name);
    const definition = JSON.stringify(plan);
    const now = Date.now();
    this.cache = null;
    return this.db.transaction((tx) => {
      const current = tx.select().from(plans).where(eq(plans.id, plan.id)).get();
      if (current && current.definition === definition && current.source === source) return { stored: toStored(current), changed: false };
      const version = (current?.version ?? 0) + 1;
      tx.insert(planVersions).values({ planId: plan.id, version, source, definition, appliedAt: now, appliedBy: by }).run();
      // A new or re-scheduled plan starts counting ticks now: nothing before it is "missed".
      const lastTickAt = current && JSON.parse(current.definition).schedule === plan.schedule && JSON.parse(current.definition).timezone === plan.timezone ? current.lastTickAt : now;
      const row = tx
        .insert(plans)
        .values({ id: plan.id, version, source, definition, paused: false, lastTickAt, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: plans.id, set: { version, source, definition, lastTickAt, updatedAt: now } })
        .returning()
        .get();
      return { stored: toStored(row), changed: true };
    });
  }

  list(): StoredPlan[] {
    return [...this.all().values()];
  }

  get(id: string): StoredPlan | null {
    return this.all().get(id) ?? null;
  }

  require(id: string): StoredPlan {
    const p = this.get(id);
    if (!p) throw new ConfigError(`no plan "${id}"`);
    return p;
  }

  /** The plan as it was at a version (a run shows the plan it ran). */
  version(id: string, version: number): Plan | null {
    const r = this.db.select().from(planVersions).where(eq(planVersions.planId, id)).orderBy(desc(planVersions.version)).all().find((v) => v.version === version);
    return r ? (JSON.parse(r.definition) as Plan) : null;
  }

  history(id: string) {
    return this.db
      .select({ version: planVersions.version, appliedAt: planVersions.appliedAt, appliedBy: planVersions.appliedBy, source: planVersions.source })
      .from(planVersions)
      .where(eq(planVersions.planId, id))
      .orderBy(desc(planVersions.version))
      .all();
  }

  setPaused(id: string, paused: boolean): void {
    this.require(id);
    // Ticks that pass while paused are not missed runs: resuming starts counting afresh.
    this.db.update(plans).set(paused ? { paused } : { paused, lastTickAt: Date.now() }).where(eq(plans.id, id)).run();
    this.cache = null;
  }

  setLastTick(id: string, at: number): void {
    this.db.update(plans).set({ lastTickAt: at }).where(eq(plans.id, id)).run();
    const cached = this.cache?.get(id);
    if (cached) cached.lastTickAt = at;
  }

  remove(id: string): void {
    this.require(id);
    this.db.delete(plans).where(eq(plans.id, id)).run();
    this.cache = null;
  }
}
