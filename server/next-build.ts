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

export interface BuildOptions {
  /** The build command; tests pass a stand-in that takes a while, as `next build` does. */
  command?: string[];
  /** How long to wait for another process's build before giving up. */
  waitMs?: number;
  pollMs?: number;
}

interface LockHolder {
  pid: number;
  since: string;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** The stamp exists only once a build has completed: Next's clean deletes it when a build starts. */
function isBuilt(dist: string, want: string): boolean {
  return fs.existsSync(path.join(dist, "BUILD_ID")) && readText(path.join(dist, "ferry-build-stamp")) === want;
}

function writeAtomically(file: string, text: string) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // someone else's process, but alive
  }
}

function parseHolder(text: string | null): LockHolder | null {
  try {
    const holder = JSON.parse(text ?? "") as LockHolder;
    return Number.isInteger(holder.pid) ? holder : null;
  } catch {
    return null;
  }
}

/**
 * Creates the lock holding our PID, or returns false if another process holds it. The content is
 * written to a temporary file first and hard-linked into place, so nobody ever reads a lock
 * without its PID (link fails with EEXIST where open's O_EXCL would leave an empty file).
 */
function tryLock(lock: string): boolean {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const tmp = `${lock}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ pid: process.pid, since: new Date().toISOString() } satisfies LockHolder));
  try {
    fs.linkSync(tmp, lock);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function unlock(lock: string) {
  if (parseHolder(readText(lock))?.pid === process.pid) fs.rmSync(lock, { force: true });
}

/**
 * Removes a lock whose builder died (killed mid-build). Renamed aside first and checked again, so
 * two waiters that both saw the dead PID cannot remove a fresh lock the other one just took.
 */
function breakStaleLock(lock: string, dead: LockHolder) {
  const aside = `${lock}.stale.${process.pid}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return; // already gone
  }
  const holder = parseHolder(readText(aside));
  if (holder && holder.pid !== dead.pid) {
    // We moved a live lock taken in between: put it back (unless yet another process has one).
    try {
      fs.linkSync(aside, lock);
    } catch {
      /* another process holds the lock now; either way it is not ours to keep */
    }
  }
  fs.rmSync(aside, { force: true });
}

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, ""); // eslint-disable-line no-control-regex

function runBuild(root: string, command: string[], log: (line: string) => void, waitMs: number, pollMs: number) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const result = spawnSync(command[0], command.slice(1), {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
    if (result.status === 0) return void process.stdout.write(output);
    // Only a `next build` run by hand (outside this lock) can hold Next's own lock: wait for it.
    if (/Another next build process is already running/.test(stripAnsi(output)) && Date.now() < deadline) {
      log("another `next build` is running in this checkout; waiting for it to finish…");
      sleep(pollMs);
      continue;
    }
    process.stderr.write(output);
    throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
  }
}

/**
 * `npm start` builds the console when there is no build yet or its sources changed since the last
 * one, so a fresh clone needs only `npm ci && npm start`.
 *
 * Several nodes started at once (tests, the demo) must not each build: a second `next build`
 * deletes the build the first one finished and another node is already serving ("Could not find a
 * production build"). So one process builds while holding .next/cache/ferry-build.lock (Next's
 * clean keeps cache/), the others wait for it, and the stamp that says "built from these sources"
 * is written, atomically, only after the build completed.
 */
export function ensureNextBuild(root: string, log: (line: string) => void, options: BuildOptions = {}): void {
  const dist = path.join(root, ".next");
  const lock = path.join(dist, "cache", "ferry-build.lock");
  const command = options.command ?? [process.execPath, path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"];
  const waitMs = options.waitMs ?? 15 * 60_000;
  const pollMs = options.pollMs ?? 500;
  const want = fingerprint(root);
  if (isBuilt(dist, want)) return;
  const deadline = Date.now() + waitMs;
  let waitingFor: number | null = null;
  for (;;) {
    if (tryLock(lock)) {
      try {
        // The build we waited for may be the one we need.
        if (isBuilt(dist, want)) return;
        log("building the console (next build), once per change of its sources…");
        runBuild(root, command, log, waitMs, pollMs);
        writeAtomically(path.join(dist, "ferry-build-stamp"), want);
        return;
      } finally {
        unlock(lock);
      }
    }
    const holder = parseHolder(readText(lock));
    if (holder && !alive(holder.pid)) {
      log(`a console build by process ${holder.pid} did not finish (the process is gone); taking over`);
      breakStaleLock(lock, holder);
      continue;
    }
    if (holder && holder.pid !== waitingFor) {
      waitingFor = holder.pid;
      log(`waiting for the console build of process ${holder.pid} (started ${holder.since})…`);
    }
    if (Date.now() > deadline) {
      throw new Error(`gave up after ${Math.round(waitMs / 1000)} s waiting for the console build of process ${holder?.pid ?? "?"} (lock ${lock})`);
    }
    sleep(pollMs);
    if (isBuilt(dist, want)) return;
  }
}
