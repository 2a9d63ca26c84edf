// `npm run bench [-- --quick] [-- --only=a,b,c,scheduler,console] [-- --profile] [-- --repeats=N] [-- --skip-st-default] [-- --files=N]`
//
// Syncs the same data Ferry → Ferry and Syncthing → Syncthing on loopback, each pair fresh per
// scenario (so peak RSS belongs to that scenario), and writes the figures to
// tests/bench/results/<timestamp>.json and latest.json (a run with --only: latest-<scenarios>.json):
//   (a) 1 GiB in 8 files, (b) 20,000 files of 4 KiB in 100 directories, (c) one 4 KiB edit
//   with the watcher on (Ferry 0.05 s delay; Syncthing 1 s, and its default 10 s).
// --quick: 20 MiB in 8 files, 500 files, 3 edits, no 10 s Syncthing run (checks the harness).
// scheduler (in the default a,b,c,scheduler): 20 DR plans due every second for 30 s (--quick: 10 s);
//   how late each run starts after its tick, p50/p95/p99/max against the 50 ms p99 target.
// --only=console (not in the default a,b,c,scheduler): one Ferry node with its console; Chromium loads /,
//   /folders, /folders/big, /devices and /changes while 100,000 files in 100 directories are
//   scanned and after, each timed from navigation start to the first frame showing its data (the
//   browser's clock; Playwright's slower view beside it); p50 and worst per page against the
//   1-second budget, the scan's duration, peak RSS and CPU. --quick: 10,000 files;
//   --files=N: N files.
// --profile: Ferry nodes run with --cpu-prof; profiles stay in tests/bench/results/profiles/.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generate, type DataSet } from "./dataset";
import { startFerryPair, startSyncthingPair, syncthingVersion, type FolderSettings, type Pair } from "./pairs";
import { measureSha256 } from "./proc";
import { consoleTable, runConsole } from "./console";
import { runBulk, runEdits, type BulkResult, type EditResult } from "./scenarios";
import { runScheduler } from "./scheduler";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
for (const a of args) if (!/^--(quick|profile|skip-st-default|only=(a|b|c|scheduler|console)(,(a|b|c|scheduler|console))*|repeats=\d+|files=[1-9]\d*)$/.test(a)) {
  console.error(`unknown argument ${a}; see the comment at the top of tests/bench/run.ts`);
  process.exit(2);
}
const quick = flag("quick");
const only = new Set((option("only") ?? "a,b,c,scheduler").split(","));
const repeats = Number(option("repeats") ?? (quick ? 3 : 10));
const consoleFiles = Number(option("files") ?? (quick ? 10_000 : 100_000));
const stDefaultDelay = !quick && !flag("skip-st-default");
const RESULTS = path.join(import.meta.dirname, "results");
const profileDir = flag("profile") ? path.join(RESULTS, "profiles", new Date().toISOString().replace(/[:.]/g, "-")) : undefined;

const FERRY_EDIT_DELAY_S = 0.05;
const ST_EDIT_DELAY_S = 1;
const BULK: FolderSettings = { watcher: false, watcherDelayS: 10, rescanIntervalS: 3600 };

const log = (l: string) => console.log(l);
const ratio = (f: number, s: number) => Math.round((f / s) * 1000) / 1000;

async function withPair<T>(kind: "ferry" | "syncthing", root: string, settings: FolderSettings, fn: (p: Pair) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(root, `${kind}-`));
  const pair = kind === "ferry" ? await startFerryPair(dir, settings, profileDir) : await startSyncthingPair(dir, settings);
  try {
    return await fn(pair);
  } finally {
    await pair.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-bench-"));
  if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
  const stop = () => {
    fs.rmSync(root, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", stop);
  try {
    log(`ferry bench${quick ? " (quick)" : ""}: data under ${root}`);
    const sha = measureSha256();
    log(`SHA-256 on one core: ${sha.oneCoreMBps} MB/s × ${sha.cores} cores = ${sha.limitMBps} MB/s limit`);
    const result: Record<string, unknown> = {
      startedAt: new Date().toISOString(),
      quick,
      machine: { cpu: os.cpus()[0]?.model, cores: sha.cores, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, syncthing: await syncthingVersion(), ferryCommit: gitCommit() },
      settings: {
        bulk: "watchers off, rescanIntervalS 3600 on both kinds; one rescan request to the source starts the clock; done = every file on the target's disk with its size (then SHA-256 checked and the target's API asked)",
        edit: `watchers on: Ferry fsWatcherDelayS ${FERRY_EDIT_DELAY_S}, Syncthing fsWatcherDelayS ${ST_EDIT_DELAY_S}${stDefaultDelay ? " and 10 (default)" : ""}; ${repeats} edits, median`,
        network: "loopback, discovery and relays off, TLS 1.3, compression metadata (defaults)",
      },
      sha256: sha,
      scenarios: {} as Record<string, unknown>,
    };
    const scenarios = result.scenarios as Record<string, unknown>;

    const bulk = async (key: string, set: DataSet) => {
      log(`\n(${key}) ${set.label}`);
      const ferry = await withPair("ferry", root, BULK, (p) => runBulk(p, set, log));
      const syncthing = await withPair("syncthing", root, BULK, (p) => runBulk(p, set, log));
      const entry = { label: set.label, files: set.files.length, bytes: set.totalBytes, ferry, syncthing, ratio: ratio(ferry.seconds, syncthing.seconds), hashVsLimit: hashShare(ferry, sha.limitMBps) };
      log(`  ratio Ferry/Syncthing ${entry.ratio}; Ferry scan ${ferry.scanMBps} MB/s = ${Math.round(entry.hashVsLimit * 100)}% of the SHA-256 limit`);
      log(`  peak RSS (source/target MiB): Ferry ${ferry.source?.peakRssMiB}/${ferry.target?.peakRssMiB}, Syncthing ${syncthing.source?.peakRssMiB}/${syncthing.target?.peakRssMiB}`);
      const cpu = (f: BulkResult["source"]) => (f ? `${f.cpuSeconds} s (main thread ${f.mainThreadCpuSeconds} s)` : "?");
      log(`  CPU source/target: Ferry ${cpu(ferry.source)} / ${cpu(ferry.target)}; Syncthing ${syncthing.source?.cpuSeconds ?? "?"} s / ${syncthing.target?.cpuSeconds ?? "?"} s`);
      scenarios[key] = entry;
      fs.rmSync(set.seedDir, { recursive: true, force: true });
    };

    if (only.has("a")) {
      const n = 8;
      const size = quick ? (20 * 2 ** 20) / n : 2 ** 30 / n;
      await bulk("a", generate(path.join(root, "seed-a"), `${quick ? "20 MiB" : "1 GiB"} in ${n} files`, n, size));
    }
    if (only.has("b")) {
      const n = quick ? 500 : 20_000;
      await bulk("b", generate(path.join(root, "seed-b"), `${n} files of 4 KiB`, n, 4096, quick ? 10 : 100));
    }
    if (only.has("c")) {
      log(`\n(c) one 4 KiB edit, ${repeats} times`);
      const edit = (delayS: number): FolderSettings => ({ watcher: true, watcherDelayS: delayS, rescanIntervalS: 3600 });
      const ferry = await withPair("ferry", root, edit(FERRY_EDIT_DELAY_S), (p) => runEdits(p, repeats, FERRY_EDIT_DELAY_S, log));
      const syncthing = await withPair("syncthing", root, edit(ST_EDIT_DELAY_S), (p) => runEdits(p, repeats, ST_EDIT_DELAY_S, log));
      let syncthingDefault: EditResult | null = null;
      if (stDefaultDelay) syncthingDefault = await withPair("syncthing", root, edit(10), (p) => runEdits(p, Math.min(repeats, 5), 10, log));
      scenarios.c = { ferry, syncthing, syncthingDefaultDelay: syncthingDefault, ratio: ratio(ferry.medianSeconds, syncthing.medianSeconds) };
      log(`  ratio Ferry/Syncthing(1 s) ${ratio(ferry.medianSeconds, syncthing.medianSeconds)}`);
    }
    if (only.has("scheduler")) {
      log(`\n(scheduler) DR runs started on their schedule`);
      scenarios.scheduler = await runScheduler(20, quick ? 10 : 30, log);
    }
    if (only.has("console")) {
      const entry = await runConsole(root, consoleFiles, log, profileDir);
      for (const l of consoleTable(entry)) log(l);
      scenarios.console = entry;
    }

    fs.mkdirSync(RESULTS, { recursive: true });
    const stamp = (result.startedAt as string).replace(/[:.]/g, "-");
    const text = JSON.stringify(result, null, 2) + "\n";
    // A partial run (--only) keeps its own latest file, so latest.json always holds a full run.
    const part = option("only") ? `-${[...only].join("-")}` : "";
    const name = `${stamp}${quick ? "-quick" : ""}${part}.json`;
    fs.writeFileSync(path.join(RESULTS, name), text);
    fs.writeFileSync(path.join(RESULTS, `latest${quick ? "-quick" : ""}${part}.json`), text);
    log(`\nwrote tests/bench/results/${name}`);
    if (profileDir) log(`CPU profiles in ${profileDir} (summarize: node --import tsx tests/bench/profile.ts DIR)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Scan rate as a share of the machine's SHA-256 limit. */
function hashShare(r: BulkResult, limitMBps: number): number {
  return Math.round((r.scanMBps / limitMBps) * 1000) / 1000;
}

/** BENCH_COMMIT names the commit when the bench runs from an exported snapshot (no .git). */
function gitCommit(): string | null {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: import.meta.dirname, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
