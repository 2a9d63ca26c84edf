// Scenario "scheduler" of `npm run bench` (also alone: `node --import tsx tests/bench/scheduler.ts
// [--plans=N] [--seconds=S]`).
//
// How late do scheduled DR runs start? N plans (default 20) each due every second
// ("* * * * * *", overlap skip, one `true` task) run for S seconds (default 30) in one executor
// over a real SQLite file. For every run, lag = run.started time − its tick; p50/p95/p99/max go
// to tests/bench/results/scheduler-latest.json. The target is p99 < 50 ms (Airflow's scheduler
// takes seconds between a DAG's tick and its run starting).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { FerryEvent } from "../../server/events/types";
import { startDr, yamlPlan } from "../support/dr";

const RESULTS = path.join(import.meta.dirname, "results");

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

export interface SchedulerResult {
  plans: number;
  seconds: number;
  runs: number;
  skipped: number;
  lagMs: { p50: number; p95: number; p99: number; max: number | null };
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  targetP99Ms: number;
  met: boolean;
}

/** Runs the scenario and returns its figures (also written to results/scheduler-latest.json). */
export async function runScheduler(PLANS: number, SECONDS: number, log: (l: string) => void): Promise<SchedulerResult> {
  const h = await startDr();
  // How long the event loop itself was held up: a late run on a busy host shows up here too.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const lags: number[] = [];
  let skipped = 0;
  h.deps.events.subscribe((e) => {
    if (e.type === "run.started") {
      const d = (e as FerryEvent<"run.started">).data;
      if (d.scheduledFor !== null) lags.push(d.startedAt - d.scheduledFor);
    } else if (e.type === "run.skipped") skipped++;
  });
  for (let i = 0; i < PLANS; i++)
    h.dr.applyPlan(yamlPlan(`id: bench-${i}`, 'schedule: "* * * * * *"', "overlap: skip", "tasks:", '  - { id: t, kind: shell, with: { argv: ["true"] } }'), "bench");
  log(`  ${PLANS} plans due every second; measuring for ${SECONDS} s…`);
  loop.enable();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  loop.disable();
  await h.close();
  const sorted = [...lags].sort((a, b) => a - b);
  const result = {
    scenario: "scheduler",
    at: new Date().toISOString(),
    commit: process.env.BENCH_COMMIT ?? null,
    host: { cpus: os.cpus().length, loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    plans: PLANS,
    seconds: SECONDS,
    runs: lags.length,
    skipped,
    lagMs: { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? null },
    eventLoopDelayMs: { p50: Math.round(loop.percentile(50) / 1e6), p99: Math.round(loop.percentile(99) / 1e6), max: Math.round(loop.max / 1e6) },
    targetP99Ms: 50,
    met: quantile(sorted, 0.99) < 50,
  };
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, "scheduler-latest.json"), JSON.stringify(result, null, 2) + "\n");
  const { lagMs: l } = result;
  log(`  ${result.runs} runs, ${skipped} skipped; start lag p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms (target < 50 ms: ${result.met ? "met" : "MISSED"}), max ${l.max} ms`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const option = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? def);
  runScheduler(option("plans", 20), option("seconds", 30), console.log).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
