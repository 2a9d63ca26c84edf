// Probe: scans a folder of many small files in-process and reports how long the event loop was
// blocked meanwhile (what decides whether the console answers during a scan). Not part of
// npm run bench. Usage: node --import tsx tests/bench/scan-probe.ts DIR
import fs from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { engineStatus } from "../../server/sync/status";
import { startSyncNode, waitFor } from "../support/sync-nodes";

const dir = process.argv[2];
if (!dir || !fs.existsSync(dir)) throw new Error("usage: scan-probe.ts DIR");
fs.rmSync(`${dir}/.stfolder`, { recursive: true, force: true });
const node = await startSyncNode({ name: "probe" });
const h = monitorEventLoopDelay({ resolution: 10 });
const t0 = performance.now();
// A tick every 50 ms records the worst gaps and when they happened.
let last = performance.now();
const gaps: [number, number][] = [];
const tick = setInterval(() => {
  const now = performance.now();
  if (now - last > 90) gaps.push([Math.round(last - t0), Math.round(now - last)]);
  last = now;
}, 50);
h.enable();
node.rt.sync.addFolder({ id: "big", path: dir, fsWatcherEnabled: false }, "probe");
let statusMs = 0;
await waitFor(() => {
  const s0 = performance.now();
  const f = engineStatus(node.rt.sync).folders[0];
  statusMs = Math.max(statusMs, performance.now() - s0);
  return f.state === "idle" && f.local.files > 0;
}, "scan", 900_000);
h.disable();
clearInterval(tick);
const f = engineStatus(node.rt.sync).folders[0];
console.log(`scanned ${f.local.files} files in ${((performance.now() - t0) / 1000).toFixed(1)} s; event-loop delay p50 ${(h.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(0)} ms, max ${(h.max / 1e6).toFixed(0)} ms; slowest status call ${statusMs.toFixed(0)} ms`);
console.log(`gaps > 40 ms beyond the tick (at ms, length ms): ${JSON.stringify(gaps.slice(0, 40))}`);
await node.close();
