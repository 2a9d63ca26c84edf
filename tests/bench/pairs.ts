// Two nodes of one kind (Ferry or Syncthing) on loopback sharing one folder, source → target,
// behind one small interface so every scenario runs the same steps on both.
import fs from "node:fs";
import path from "node:path";
import { callApi, startNode, type NodeProcess } from "../support/node-process";
import { startSyncthing, type SyncthingInstance } from "../support/syncthing";
import { procFigures, type ProcFigures } from "./proc";

export const FOLDER_ID = "bench";

export interface FolderSettings {
  /** Watcher on both sides (scenario c) or off with manual rescans (a, b). */
  watcher: boolean;
  watcherDelayS: number;
  rescanIntervalS: number;
}

export interface Pair {
  kind: "ferry" | "syncthing";
  sourceDir: string;
  targetDir: string;
  /** Asks the source to scan now; resolves with the scan's duration in seconds. */
  rescanSource(expectedFiles: number, expectedBytes: number): Promise<number>;
  /** The target's own API agrees the folder is complete (after the disk says so). */
  targetInSync(expectedFiles: number, expectedBytes: number): Promise<boolean>;
  /** Peak RSS and CPU of both processes so far. */
  figures(): { source: ProcFigures | null; target: ProcFigures | null };
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch {
      // not ready yet (starting up, connection refused): try again
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ------------------------------------------------------------------------------------ Ferry

/**
 * fetch reuses a kept-alive socket that the server may be closing at that very moment
 * ("other side closed"); the request never reached the node, so sending it again is safe.
 */
async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!/fetch failed/.test((err as Error).message)) throw err;
    return fn();
  }
}

interface FerryFolder {
  id: string;
  state: string;
  local: { files: number; bytes: number };
  need: { files: number; bytes: number };
}

const syncAddressOf = (n: NodeProcess) => {
  const m = /sync listening on (tcp:\/\/[^\s,]+)/.exec(n.log());
  if (!m) throw new Error(`node printed no sync address:\n${n.log()}`);
  return m[1];
};

export async function startFerryPair(root: string, settings: FolderSettings, profileDir?: string): Promise<Pair> {
  const nodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const homes = ["ferry-src-home", "ferry-dst-home"].map((h) => path.join(root, h));
  const [source, target] = await Promise.all(homes.map((home) => startNode({ home, args: ["--no-console"], nodeArgs })));
  const nodes = [source, target];
  try {
    const sourceDir = path.join(root, "ferry-src");
    const targetDir = path.join(root, "ferry-dst");
    await callApi(source, "devices.add", { deviceId: target.deviceId, name: "target", addresses: [syncAddressOf(target)] }, "mutation");
    await callApi(target, "devices.add", { deviceId: source.deviceId, name: "source", addresses: [syncAddressOf(source)] }, "mutation");
    const folder = (dir: string, peer: string) => ({
      id: FOLDER_ID,
      path: dir,
      devices: [peer],
      rescanIntervalS: settings.rescanIntervalS,
      fsWatcherEnabled: settings.watcher,
      fsWatcherDelayS: settings.watcherDelayS,
    });
    await callApi(source, "folders.add", folder(sourceDir, target.deviceId), "mutation");
    await callApi(target, "folders.add", folder(targetDir, source.deviceId), "mutation");
    await until("the Ferry nodes to connect", async () => (await callApi<{ deviceId: string; connected: boolean }[]>(source, "devices.list")).some((d) => d.connected));
    for (const n of nodes) await until("the Ferry folder to be idle", async () => (await ferryFolder(n)).state === "idle");

    return {
      kind: "ferry",
      sourceDir,
      targetDir,
      async rescanSource() {
        const t0 = performance.now();
        // wait: resolves when the scan (and the pull after it, which finds nothing) is done.
        await withRetry(() => callApi(source, "folders.rescan", { id: FOLDER_ID, wait: true }, "mutation"));
        return (performance.now() - t0) / 1000;
      },
      async targetInSync(files, bytes) {
        const f = await ferryFolder(target);
        return f.local.files === files && f.local.bytes === bytes && f.need.files === 0;
      },
      figures: () => ({ source: procFigures(source.child.pid!), target: procFigures(target.child.pid!) }),
      async stop() {
        await Promise.all(nodes.map((n) => n.stop()));
      },
    };
  } catch (err) {
    await Promise.all(nodes.map((n) => n.kill()));
    throw err;
  }
}

async function ferryFolder(n: NodeProcess): Promise<FerryFolder> {
  const f = (await callApi<FerryFolder[]>(n, "folders.list")).find((x) => x.id === FOLDER_ID);
  if (!f) throw new Error("no bench folder");
  return f;
}

// -------------------------------------------------------------------------------- Syncthing

/** 1.19 counts 128 bytes per directory in localBytes, hence ">=" on bytes below. */
interface StFolderStatus {
  state: string;
  localFiles: number;
  localBytes: number;
  needFiles: number;
  needBytes: number;
  globalFiles: number;
}

export async function startSyncthingPair(root: string, settings: FolderSettings): Promise<Pair> {
  const homes = ["st-src-home", "st-dst-home"].map((h) => path.join(root, h));
  for (const h of homes) fs.mkdirSync(h, { recursive: true });
  const started: SyncthingInstance[] = [];
  try {
    for (const home of homes) started.push(await startSyncthing({ home, reconnectIntervalS: 1 }));
    const [source, target] = started;
    const sourceDir = path.join(root, "st-src");
    const targetDir = path.join(root, "st-dst");
    await source.addDevice(target.deviceId, target.syncAddress, "target");
    await target.addDevice(source.deviceId, source.syncAddress, "source");
    const folder = (dir: string, peer: string) => ({
      id: FOLDER_ID,
      path: dir,
      devices: [peer],
      rescanIntervalS: settings.rescanIntervalS,
      fsWatcherEnabled: settings.watcher,
      fsWatcherDelayS: settings.watcherDelayS,
    });
    await source.addFolder(folder(sourceDir, target.deviceId));
    await target.addFolder(folder(targetDir, source.deviceId));
    await until(
      "the Syncthing instances to connect",
      async () => (await source.rest<{ connections: Record<string, { connected: boolean }> }>("GET", "/rest/system/connections")).connections[target.deviceId]?.connected,
      60_000,
      200,
    );
    for (const st of started) await until("the Syncthing folder to be idle", async () => (await stStatus(st)).state === "idle");

    return {
      kind: "syncthing",
      sourceDir,
      targetDir,
      async rescanSource(files, bytes) {
        const t0 = performance.now();
        // POST /rest/db/scan returns when the scan is done; the poll makes sure the result is in.
        await source.rest("POST", `/rest/db/scan?folder=${FOLDER_ID}`);
        await until("Syncthing's scan", async () => {
          const s = await stStatus(source);
          return s.localFiles === files && s.localBytes >= bytes && s.state !== "scanning";
        }, 600_000, 50);
        return (performance.now() - t0) / 1000;
      },
      async targetInSync(files, bytes) {
        const s = await stStatus(target);
        return s.localFiles === files && s.localBytes >= bytes && s.needFiles === 0;
      },
      figures: () => ({ source: procFigures(servingPid(source.child.pid!)), target: procFigures(servingPid(target.child.pid!)) }),
      async stop() {
        await Promise.all(started.map((st) => st.stop()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((st) => st.stop()));
    throw err;
  }
}

/**
 * Debian's 1.19.2 still forks a monitor even with --no-restart: the PID we started is a small
 * parent and the node that syncs is its child. Its figures are the ones compared.
 */
function servingPid(pid: number): number {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) return Number(entry);
    } catch {
      // exited meanwhile
    }
  }
  return pid;
}

const stStatus = (st: SyncthingInstance) => st.rest<StFolderStatus>("GET", `/rest/db/status?folder=${FOLDER_ID}`);

export async function syncthingVersion(): Promise<string> {
  const { execFileSync } = await import("node:child_process");
  const { SYNCTHING_BIN } = await import("../support/syncthing");
  return execFileSync(SYNCTHING_BIN, ["--version"], { encoding: "utf8" }).trim();
}
