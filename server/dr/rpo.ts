import { and, desc, eq, inArray, isNotNull, ne, or, isNull } from "drizzle-orm";
import type { Db } from "../db/connection";
import { recoveryPoints, runs, taskAttempts } from "../db/schema";

/** VM snapshots live on the same storage as the VM: they do not survive losing the site, so RPO leaves them out. */
const SITE_SAFE_KINDS = ["restic", "rsync", "sync"];
const RESTORE_KINDS = ["restore.restic", "vm.revert"];

export function recordRecoveryPoint(db: Db, p: { planId: string; runId: number; subject: string; kind: string; location: string; ref?: string; verified?: boolean | null }): void {
  db.insert(recoveryPoints)
    .values({ planId: p.planId, runId: p.runId, subject: p.subject, kind: p.kind, location: p.location, ref: p.ref ?? "", createdAt: Date.now(), verified: p.verified ?? null })
    .run();
}

/** A verification result for a copy; a failed one stops counting as restorable. */
export function markVerified(db: Db, location: string, ref: string, ok: boolean): void {
  db.update(recoveryPoints)
    .set({ verified: ok })
    .where(and(eq(recoveryPoints.location, location), or(eq(recoveryPoints.ref, ref), eq(recoveryPoints.ref, ref.slice(0, 8)))))
    .run();
}

export interface RpoFigure {
  /** Plan id or folder id. */
  key: string;
  newestCopyAt: number | null;
  ageMs: number | null;
  targetMs: number | null;
  /** ok ≤ target, late ≤ 2 × target, breached beyond (or never copied); none = no target set. */
  status: "ok" | "late" | "breached" | "none";
}

const restorable = and(inArray(recoveryPoints.kind, SITE_SAFE_KINDS), or(isNull(recoveryPoints.verified), ne(recoveryPoints.verified, false)));

function figure(key: string, newest: number | null, targetMs: number | null, now: number): RpoFigure {
  const ageMs = newest === null ? null : now - newest;
  let status: RpoFigure["status"] = "none";
  if (targetMs !== null) status = ageMs === null || ageMs > 2 * targetMs ? "breached" : ageMs > targetMs ? "late" : "ok";
  return { key, newestCopyAt: newest, ageMs, targetMs, status };
}

/** RPO = now − time of the newest restorable copy, per plan (against its target) and per subject (folder or path). */
export function rpo(db: Db, plans: { id: string; rpoTargetMs: number | null }[], now = Date.now()): { plans: RpoFigure[]; subjects: RpoFigure[] } {
  const newestByPlan = (planId: string) =>
    db.select({ at: recoveryPoints.createdAt }).from(recoveryPoints).where(and(eq(recoveryPoints.planId, planId), restorable)).orderBy(desc(recoveryPoints.createdAt)).limit(1).get()?.at ?? null;
  const subjects = db.selectDistinct({ subject: recoveryPoints.subject }).from(recoveryPoints).where(restorable).all();
  const targets = new Map<string, number>();
  for (const p of plans)
    if (p.rpoTargetMs !== null)
      for (const s of db.selectDistinct({ subject: recoveryPoints.subject }).from(recoveryPoints).where(eq(recoveryPoints.planId, p.id)).all())
        targets.set(s.subject, Math.min(targets.get(s.subject) ?? Infinity, p.rpoTargetMs));
  return {
    plans: plans.map((p) => figure(p.id, newestByPlan(p.id), p.rpoTargetMs, now)),
    subjects: subjects.map(({ subject }) => {
      const at = db.select({ at: recoveryPoints.createdAt }).from(recoveryPoints).where(and(eq(recoveryPoints.subject, subject), restorable)).orderBy(desc(recoveryPoints.createdAt)).limit(1).get()?.at ?? null;
      return figure(subject, at, targets.get(subject) ?? null, now);
    }),
  };
}

export interface RtoFigure {
  planId: string;
  taskId: string;
  kind: string;
  runId: number;
  measuredMs: number;
  at: number;
}

/** RTO = measured duration of the last successful restore per plan and task, and of each failover or failback (a run). */
export function rto(db: Db): { restores: RtoFigure[]; failovers: { runId: number; folderId: string; trigger: string; measuredMs: number; at: number }[] } {
  const rows = db
    .select({ runId: taskAttempts.runId, taskId: taskAttempts.taskId, kind: taskAttempts.kind, startedAt: taskAttempts.startedAt, finishedAt: taskAttempts.finishedAt, planId: runs.planId })
    .from(taskAttempts)
    .innerJoin(runs, eq(runs.id, taskAttempts.runId))
    .where(and(inArray(taskAttempts.kind, RESTORE_KINDS), eq(taskAttempts.state, "success"), isNotNull(taskAttempts.finishedAt)))
    .orderBy(desc(taskAttempts.finishedAt))
    .all();
  const seen = new Set<string>();
  const restores: RtoFigure[] = [];
  for (const r of rows) {
    const k = `${r.planId}/${r.taskId}`;
    if (seen.has(k)) continue;
    seen.add(k);
    restores.push({ planId: r.planId, taskId: r.taskId, kind: r.kind, runId: r.runId, measuredMs: r.finishedAt! - r.startedAt, at: r.finishedAt! });
  }
  const failovers = db
    .select()
    .from(runs)
    .where(and(inArray(runs.trigger, ["failover", "failback"]), eq(runs.state, "success")))
    .orderBy(desc(runs.id))
    .limit(50)
    .all()
    .map((r) => ({ runId: r.id, folderId: (JSON.parse(r.params) as { folder?: string }).folder ?? "", trigger: r.trigger, measuredMs: (r.finishedAt ?? 0) - (r.startedAt ?? 0), at: r.finishedAt ?? 0 }));
  return { restores, failovers };
}
