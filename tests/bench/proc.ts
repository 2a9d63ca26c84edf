// What the benchmark measures about processes and the machine: peak memory and CPU time of a
// node (from /proc, so the figure is the kernel's, not the process's own idea), and the
// SHA-256 ceiling of this CPU that a scan's hash rate is compared with.
import { createHash, randomFillSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";

export interface ProcFigures {
  /** VmHWM: the resident set's high-water mark since the process started, MiB. */
  peakRssMiB: number;
  /** user + system CPU seconds. */
  cpuSeconds: number;
  /**
   * Of cpuSeconds, what the main thread used (for a Ferry node: the event loop; the rest is V8's
   * garbage-collection helpers, libuv's file-system pool and the hash workers).
   */
  mainThreadCpuSeconds: number;
}

/** utime + stime ticks from a /proc stat line (fields after the command name, which may hold spaces). */
function cpuTicks(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(rest[11]) + Number(rest[12]);
}

const CLK_TCK = 100; // Linux's USER_HZ on every architecture Node supports

/** Reads VmHWM and CPU time of a live process; null once it is gone. */
export function procFigures(pid: number): ProcFigures | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
    const ticks = cpuTicks(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
    const mainTicks = cpuTicks(fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8"));
    const seconds = (t: number) => Math.round((t / CLK_TCK) * 100) / 100;
    return { peakRssMiB: Math.round((hwm / 1024) * 10) / 10, cpuSeconds: seconds(ticks), mainThreadCpuSeconds: seconds(mainTicks) };
  } catch {
    return null;
  }
}

export interface Sha256Limit {
  blockBytes: number;
  oneCoreMBps: number;
  cores: number;
  /** oneCoreMBps × cores: what a scan could reach if hashing were all it did. */
  limitMBps: number;
}

/**
 * One core's SHA-256 rate over an in-memory buffer, hashed block by block as a scan does
 * (a fresh hash per block, so per-block overhead counts), for at least `seconds`.
 */
export function measureSha256(blockBytes = 128 * 1024, seconds = 2): Sha256Limit {
  const buf = randomFillSync(Buffer.allocUnsafe(64 * 1024 * 1024));
  let bytes = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    for (let off = 0; off < buf.length; off += blockBytes) createHash("sha256").update(buf.subarray(off, off + blockBytes)).digest();
    bytes += buf.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const oneCoreMBps = bytes / 1e6 / elapsed;
  const cores = os.availableParallelism();
  return { blockBytes, oneCoreMBps: Math.round(oneCoreMBps), cores, limitMBps: Math.round(oneCoreMBps * cores) };
}
