// The timed parts. Bulk (a, b): data placed in the source while its watcher is off, then one
// rescan request; the clock runs from that request until every file is on the target's disk.
// Edit (c): the watcher on; one 4 KiB rewrite of a file, timed until the target holds it.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Arrival, place, verify, type DataSet } from "./dataset";
import { until, type Pair } from "./pairs";
import type { ProcFigures } from "./proc";

export interface BulkResult {
  seconds: number;
  scanSeconds: number;
  scanMBps: number;
  source: ProcFigures | null;
  target: ProcFigures | null;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export async function runBulk(pair: Pair, set: DataSet, log: (l: string) => void): Promise<BulkResult> {
  place(set, pair.sourceDir);
  const arrival = new Arrival(pair.targetDir, set);
  const t0 = performance.now();
  // Settled at once so a failed scan request cannot crash the run before the pair is stopped.
  const scan = pair.rescanSource(set.files.length, set.totalBytes).then(
    (seconds) => ({ seconds, error: null }),
    (error: unknown) => ({ seconds: NaN, error }),
  );
  let done = 0;
  // The disk poll is cheap (one readdir per unfinished directory) so 20 Hz does not disturb either side.
  while (!arrival.poll()) {
    if (performance.now() - t0 > 900_000) throw new Error(`${pair.kind} ${set.label}: not complete after 15 min`);
    await new Promise((r) => setTimeout(r, 50));
  }
  done = performance.now();
  const scanned = await scan;
  if (scanned.error) throw scanned.error;
  const scanSeconds = scanned.seconds;
  const figures = pair.figures();
  await until(`${pair.kind}'s API to report ${set.label} complete`, () => pair.targetInSync(set.files.length, set.totalBytes), 120_000, 200);
  verify(set, pair.targetDir);
  const seconds = (done - t0) / 1000;
  log(`  ${pair.kind.padEnd(9)} ${set.label}: ${seconds.toFixed(2)} s (source scan ${scanSeconds.toFixed(2)} s)`);
  return { seconds: r3(seconds), scanSeconds: r3(scanSeconds), scanMBps: Math.round(set.totalBytes / 1e6 / scanSeconds), ...figures };
}

export interface EditResult {
  watcherDelayS: number;
  runs: number[];
  medianSeconds: number;
  source: ProcFigures | null;
  target: ProcFigures | null;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Waits until the target's copy of `name` has exactly `want`, polling every 2 ms. */
async function arrivalOf(file: string, want: Buffer, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    try {
      if (fs.readFileSync(file).equals(want)) return performance.now();
    } catch {
      // not there yet
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`edit did not arrive within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function runEdits(pair: Pair, repeats: number, watcherDelayS: number, log: (l: string) => void): Promise<EditResult> {
  const name = "edit.bin";
  const src = path.join(pair.sourceDir, name);
  const dst = path.join(pair.targetDir, name);
  let content = randomBytes(4096);
  fs.writeFileSync(src, content);
  await arrivalOf(dst, content, 120_000);
  const runs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    // Let both sides settle (the target's own watcher reports the file it just wrote).
    await new Promise((r) => setTimeout(r, 500 + watcherDelayS * 1000));
    content = randomBytes(4096);
    fs.writeFileSync(src, content);
    const t0 = performance.now();
    const t1 = await arrivalOf(dst, content, 60_000 + watcherDelayS * 10_000);
    runs.push(r3((t1 - t0) / 1000));
  }
  const medianSeconds = r3(median(runs));
  log(`  ${pair.kind.padEnd(9)} 4 KiB edit (watcher delay ${watcherDelayS} s): median ${medianSeconds.toFixed(3)} s of ${runs.map((r) => r.toFixed(3)).join(", ")}`);
  return { watcherDelayS, runs, medianSeconds, ...pair.figures() };
}
