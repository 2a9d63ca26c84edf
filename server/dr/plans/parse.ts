import { LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { parseDuration } from "../durations";
import { CronError, parseCron } from "../schedule/cron";
import { isValidZone } from "../schedule/zone";
import { taskKinds } from "../tasks";
import { substituteParams } from "./params";
import { OVERLAPS, PlanError, TRIGGERS, type Plan, type PlanIssue, type TaskSpec } from "./types";

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ZId = z.string().regex(ID, "must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit");
const ZDuration = z.union([z.string(), z.number()]).refine((v) => parseDuration(v) !== null, { message: 'expected a duration such as "30s", "15m", "1h30m"' });

const ZTask = z.strictObject({
  id: ZId,
  kind: z.string().min(1),
  needs: z.array(z.string()).optional(),
  trigger: z.enum(TRIGGERS).optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  retries: z.number().int().min(0).max(20).optional(),
  retryDelay: ZDuration.optional(),
  timeout: ZDuration.optional(),
});

const ZPlan = z.strictObject({
  id: ZId,
  description: z.string().max(1000).optional(),
  schedule: z.union([z.string(), z.null()]).optional(),
  timezone: z.string().optional(),
  overlap: z.enum(OVERLAPS).optional(),
  catchup: ZDuration.optional(),
  rpo: ZDuration.optional(),
  parallel: z.number().int().min(1).max(16).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  tasks: z.array(ZTask).min(1, "a plan needs at least one task"),
});

const MANUAL = new Set(["none", "manual", ""]);

/**
 * Reads a plan from YAML or JSON text (JSON is YAML) and validates all of it, collecting every
 * problem with the line it is on, so one round of fixes is enough. Throws PlanError.
 */
export function parsePlan(source: string, name = "plan"): Plan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length)
    throw new PlanError(
      doc.errors.map((e) => ({ line: lineCounter.linePos(e.pos[0]).line, field: "", message: e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "") })),
      name,
    );
  const lineOf = (path: PropertyKey[]) => lineAt(doc, lineCounter, path);
  const raw = doc.toJS();
  const shape = ZPlan.safeParse(raw);
  if (!shape.success)
    throw new PlanError(
      shape.error.issues.map((i) => ({ line: lineOf(i.path), field: fieldName(i.path), message: i.message })),
      name,
    );
  const p = shape.data;
  const issues: PlanIssue[] = [];
  const issue = (path: PropertyKey[], message: string) => issues.push({ line: lineOf(path), field: fieldName(path), message });

  const timezone = p.timezone ?? "UTC";
  if (!isValidZone(timezone)) issue(["timezone"], `unknown time zone "${timezone}" (use an IANA name such as Europe/Moscow)`);
  const schedule = p.schedule == null || MANUAL.has(p.schedule.trim().toLowerCase()) ? null : p.schedule.trim();
  if (schedule !== null)
    try {
      parseCron(schedule);
    } catch (err) {
      if (!(err instanceof CronError)) throw err;
      issue(["schedule"], `bad cron "${schedule}": ${err.message}`);
    }

  const params = Object.fromEntries(Object.entries(p.params ?? {}).map(([k, v]) => [k, String(v)]));
  const ids = new Map<string, number>();
  p.tasks.forEach((t, i) => {
    if (ids.has(t.id)) issue(["tasks", i, "id"], `duplicate task id "${t.id}" (first used by task ${ids.get(t.id)! + 1})`);
    else ids.set(t.id, i);
  });
  const tasks: TaskSpec[] = p.tasks.map((t, i) => {
    (t.needs ?? []).forEach((n, j) => {
      if (!ids.has(n)) issue(["tasks", i, "needs", j], `needs "${n}", but the plan has no task with that id`);
      if (n === t.id) issue(["tasks", i, "needs", j], "a task cannot need itself");
    });
    const kind = taskKinds.get(t.kind);
    if (!kind) issue(["tasks", i, "kind"], `unknown task kind "${t.kind}"; known kinds: ${[...taskKinds.keys()].join(", ")}`);
    else {
      // Validate with the plan's default params in place; a run re-validates with its own.
      const args = kind.with.safeParse(substituteParams(t.with ?? {}, params));
      if (!args.success) for (const e of args.error.issues) issue(["tasks", i, "with", ...e.path], e.message);
    }
    return {
      id: t.id,
      kind: t.kind,
      needs: [...new Set(t.needs ?? [])],
      trigger: t.trigger ?? "all_success",
      with: t.with ?? {},
      retries: t.retries ?? 0,
      retryDelayMs: parseDuration(t.retryDelay ?? "30s")!,
      timeoutMs: parseDuration(t.timeout ?? "1h")!,
    };
  });
  const cycle = findCycle(tasks);
  if (cycle) issue(["tasks", ids.get(cycle[0]) ?? 0, "needs"], `dependency cycle: ${cycle.join(" → ")}`);
  if (issues.length) throw new PlanError(issues, name);
  return {
    id: p.id,
    description: p.description ?? "",
    schedule,
    timezone,
    overlap: p.overlap ?? "skip",
    catchupMs: p.catchup === undefined ? 0 : parseDuration(p.catchup)!,
    rpoTargetMs: p.rpo === undefined ? null : parseDuration(p.rpo)!,
    parallel: p.parallel ?? 4,
    params,
    tasks,
  };
}

/** A cycle in the needs graph as a list of task ids (first repeated at the end), or null. */
export function findCycle(tasks: Pick<TaskSpec, "id" | "needs">[]): string[] | null {
  const needs = new Map(tasks.map((t) => [t.id, t.needs]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === "done" || !needs.has(id)) return null;
    if (state.get(id) === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const n of needs.get(id)!) {
      const c = visit(n);
      if (c) return c;
    }
    stack.pop();
    state.set(id, "done");
    return null;
  };
  for (const t of tasks) {
    const c = visit(t.id);
    if (c) return c.reverse();
  }
  return null;
}

function fieldName(path: PropertyKey[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${String(k)}`)).join("");
}

/** The line of the deepest node on `path` that exists (a missing field points at its parent). */
function lineAt(doc: Document, lc: LineCounter, path: PropertyKey[]): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return lc.linePos(node.range[0]).line;
  }
  return null;
}
