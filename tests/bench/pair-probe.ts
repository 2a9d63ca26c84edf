// Probe: two in-process engines sync N MiB in 4 files; prints wall and CPU time. For profiling
// (node --cpu-prof --import tsx tests/bench/pair-probe.ts [MiB]); not part of npm run bench.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pair, startSyncNode, waitFor } from "../support/sync-nodes";

const mib = Number(process.argv[2] ?? 256);
const a = await startSyncNode({ name: "a" });
const b = await startSyncNode({ name: "b" });
pair(a, b);
const da = path.join(a.home, "f");
const db = path.join(b.home, "f");
fs.mkdirSync(da);
// PROBE_DATA=DIR with file0.bin…file3.bin made beforehand (dd) keeps data generation out of a profile.
const given = process.env.PROBE_DATA;
for (let i = 0; i < 4; i++) {
  const dest = path.join(da, `file${i}.bin`);
  if (given) {
    fs.linkSync(path.join(given, `file${i}.bin`), dest);
    continue;
  }
  const fd = fs.openSync(dest, "w");
  for (let m = 0; m < mib / 4; m++) fs.writeSync(fd, randomBytes(1 << 20));
  fs.closeSync(fd);
}
a.rt.sync.addFolder({ id: "f", path: da, devices: [b.deviceId], fsWatcherEnabled: false }, "probe");
const t0 = performance.now();
const c0 = process.cpuUsage();
b.rt.sync.addFolder({ id: "f", path: db, devices: [a.deviceId], fsWatcherEnabled: false }, "probe");
await waitFor(() => [0, 1, 2, 3].every((i) => fs.existsSync(path.join(db, `file${i}.bin`))), "files", 600_000);
const c = process.cpuUsage(c0);
console.log(`${mib} MiB: ${((performance.now() - t0) / 1000).toFixed(2)} s wall, user ${(c.user / 1e6).toFixed(2)} s, sys ${(c.system / 1e6).toFixed(2)} s`);
await a.close();
await b.close();
