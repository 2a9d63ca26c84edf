import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

// Everything that changes what `next build` produces.
const INPUTS = ["app", "components", "public", "lib", "next.config.ts", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];

function fingerprint(root: string): string {
  const hash = createHash("sha256");
  const visit = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) visit(path.join(p, name));
    } else {
      hash.update(`${path.relative(root, p)}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  for (const input of INPUTS) visit(path.join(root, input));
  return hash.digest("hex");
}

/**
 * `npm start` builds the console when there is no build yet or its sources changed since the last
 * one, so a fresh clone needs only `npm ci && npm start`.
 */
export function ensureNextBuild(root: string, log: (line: string) => void): void {
  const stampFile = path.join(root, ".next", "ferry-build-stamp");
  const want = fingerprint(root);
  const built = fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === want;
  if (built) return;
  log("building the console (next build), once per change of its sources…");
  // Several nodes started at once (tests, the demo) may race to build; Next refuses a second
  // concurrent build, so wait for the first one and check again instead of failing.
  for (let attempt = 0; ; attempt++) {
    const result = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    if (result.status === 0) {
      process.stdout.write(output);
      break;
    }
    if (/Another next build process is already running/.test(output) && attempt < 120) {
      spawnSync("sleep", ["2"]);
      if (fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === fingerprint(root)) return;
      continue;
    }
    process.stderr.write(output);
    throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
  }
  fs.writeFileSync(stampFile, want);
}
