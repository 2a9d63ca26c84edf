import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface NodeProcess {
  home: string;
  url: string;
  deviceId: string;
  apiKey: string;
  password: string;
  child: ChildProcess;
  log: () => string;
  /** SIGTERM and wait; resolves with the exit code, or the name of the signal that ended the process. */
  stop(): Promise<number | string>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
}

export interface StartOptions {
  home?: string;
  password?: string;
  env?: Record<string, string>;
  args?: string[];
  /** Flags for node itself (before the script), e.g. --cpu-prof, which NODE_OPTIONS refuses. */
  nodeArgs?: string[];
  timeoutMs?: number;
}

/**
 * Starts a real Ferry node (server/main.ts, production build) on a free loopback port with a
 * temporary home and discovery off, and waits for its "ready" line.
 */
export async function startNode(opts: StartOptions = {}): Promise<NodeProcess> {
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), "ferry-test-"));
  const password = opts.password ?? "correct-horse-battery";
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", path.join(ROOT, "server/main.ts"), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      FERRY_HOME: home,
      FERRY_GUI: "127.0.0.1:0",
      FERRY_LISTEN: "tcp://127.0.0.1:0",
      FERRY_DISCOVERY: "off",
      FERRY_ADMIN_PASSWORD: password,
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  // A process ended by a signal has no exit code: say which signal, so a crash at exit is named.
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const ready = await new Promise<{ url: string; deviceId: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start in time:\n${output}`)), opts.timeoutMs ?? 180_000);
    const check = () => {
      const m = /ready: console on (http:\/\/\S+),/.exec(output);
      const id = /device ID ([A-Z0-9-]{63})/.exec(output);
      if (m && id) {
        clearTimeout(timer);
        resolve({ url: m[1], deviceId: id[1] });
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    home,
    ...ready,
    apiKey: fs.readFileSync(path.join(home, "apikey"), "utf8").trim(),
    password,
    child,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Calls a tRPC query or mutation over HTTP with the node's API key; returns data or throws the error message. */
export async function callApi<T = unknown>(node: { url: string; apiKey: string }, proc: string, input?: unknown, kind: "query" | "mutation" = "query"): Promise<T> {
  const url = new URL(`/api/trpc/${proc}`, node.url);
  const init: RequestInit = { headers: { "x-api-key": node.apiKey, "content-type": "application/json" } };
  if (kind === "query") {
    if (input !== undefined) url.searchParams.set("input", JSON.stringify(input));
  } else {
    init.method = "POST";
    init.body = JSON.stringify(input ?? null);
  }
  const res = await fetch(url, init);
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result!.data;
}
