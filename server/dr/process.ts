import { spawn, type ChildProcess } from "node:child_process";
import type { SpawnOptions, SpawnResult } from "./tasks/types";
import { TaskFailure } from "./tasks/types";

const KILL_GRACE_MS = 3000;

export interface ToolHooks {
  signal: AbortSignal;
  log(line: string, stream: "stdout" | "stderr" | "warn"): void;
  /** Told the process group id once the child exists, and null when it is gone. */
  onPid(pid: number | null): void;
}

/** Splits a byte stream into lines without waiting for its end, so output is logged while the tool runs. */
function lineSplitter(onLine: (line: string) => void) {
  let rest = "";
  return {
    push(chunk: Buffer) {
      rest += chunk.toString("utf8");
      const lines = rest.split("\n");
      rest = lines.pop()!;
      for (const l of lines) onLine(l.replace(/\r$/, ""));
      // A tool that prints a huge line without a newline must not grow this buffer forever.
      if (rest.length > 64 * 1024) {
        onLine(rest);
        rest = "";
      }
    },
    end() {
      if (rest) onLine(rest);
      rest = "";
    },
  };
}

/** Sends a signal to a whole process group; false when it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs argv in a new process group (detached), so cancel and timeout can kill the tool and
 * everything it started: SIGTERM to the group, SIGKILL after a grace period.
 */
export function runTool(argv: string[], options: SpawnOptions, hooks: ToolHooks): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    if (hooks.signal.aborted) return reject(hooks.signal.reason ?? new Error("cancelled"));
    // Tools get a small, known environment: the node's own variables (tokens, FERRY_*) stay out.
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/", LANG: "C.UTF-8", TMPDIR: process.env.TMPDIR ?? "/tmp", ...options.env };
    const child: ChildProcess = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: env as NodeJS.ProcessEnv,
      detached: true,
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const pgid = child.pid;
    const stdout: string[] = [];
    const out = lineSplitter((l) => {
      if (options.onStdout) options.onStdout(l);
      else hooks.log(l, "stdout");
      if (stdout.length < 10_000) stdout.push(l);
    });
    const err = lineSplitter((l) => hooks.log(l, "stderr"));
    child.stdout!.on("data", (d: Buffer) => out.push(d));
    child.stderr!.on("data", (d: Buffer) => err.push(d));
    if (options.stdin !== undefined) child.stdin!.end(options.stdin);
    if (pgid) hooks.onPid(pgid);

    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (!pgid) return;
      signalGroup(pgid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(pgid, "SIGKILL"), KILL_GRACE_MS);
    };
    hooks.signal.addEventListener("abort", onAbort, { once: true });

    child.once("error", (e: Error) => {
      hooks.signal.removeEventListener("abort", onAbort);
      hooks.onPid(null);
      reject(new TaskFailure(`cannot run ${argv[0]}: ${e.message}`));
    });
    // Pipes stay open while anything in the group holds them, so "close" would wait for leftovers.
    child.once("exit", () => pgid && signalGroup(pgid, "SIGKILL"));
    child.once("close", (code: number | null, sig: NodeJS.Signals | null) => {
      out.end();
      err.end();
      hooks.signal.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
      hooks.onPid(null);
      if (hooks.signal.aborted) return reject(hooks.signal.reason ?? new Error("cancelled"));
      const exit = code ?? 128;
      if (exit === 0 || options.okCodes?.includes(exit)) return resolve({ code: exit, stdout });
      reject(new TaskFailure(`${argv[0]} exited with ${sig ? `signal ${sig}` : `code ${exit}`}`));
    });
  });
}
