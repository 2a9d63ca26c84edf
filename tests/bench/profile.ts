// Summarizes V8 .cpuprofile files (from `npm run bench -- --profile`): where each process spent
// its samples, by function (self time) and by source file, so a slow phase can be named with
// numbers. Usage: node --import tsx tests/bench/profile.ts DIR [top=25]
import fs from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function summarize(file: string, top: number) {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const n = byId.get(id);
    if (!n) return;
    total += dt;
    const url = n.callFrame.url.replace(/^file:\/\//, "").replace(process.cwd() + "/", "");
    const fn = `${n.callFrame.functionName || "(anonymous)"} ${url ? `${path.basename(url)}:${n.callFrame.lineNumber + 1}` : ""}`;
    self.set(fn, (self.get(fn) ?? 0) + dt);
    const key = url || n.callFrame.functionName;
    byFile.set(key, (byFile.get(key) ?? 0) + dt);
  });
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`\n== ${path.basename(file)}: ${(total / 1e6).toFixed(2)} s sampled over ${((p.endTime - p.startTime) / 1e6).toFixed(2)} s`);
  console.log("-- self time by function");
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)}  ${k}`);
  console.log("-- self time by file");
  for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${ms(v)}  ${k}`);
}

const [dir, topArg] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node --import tsx tests/bench/profile.ts DIR [top]");
  process.exit(2);
}
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort()) summarize(path.join(dir, f), Number(topArg ?? 25));
