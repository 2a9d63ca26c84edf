import type { SyncEngine } from "./engine";
import type { Counts, IndexStore } from "./index-store";

export type EngineStatus = ReturnType<typeof engineStatus>;

interface Cached<T> {
  generation: number;
  key: string;
  value: T;
  /** When this value was computed (performance.now()). */
  at: number;
}

const caches = new WeakMap<SyncEngine, Map<string, Cached<unknown>>>();
const refreshing = new WeakMap<SyncEngine, Set<string>>();
/** Beyond this many entries a folder's figures are recomputed in the background, in slices. */
const BIG_FOLDER_ENTRIES = 5_000;
/**
 * While a folder scans or syncs its index changes with every batch; its figures are then counted
 * again (in the background) at most this often, so a long first scan shows its local count grow
 * instead of the count from before the scan.
 */
const BUSY_RECOUNT_MS = 5_000;

function cacheOf(engine: SyncEngine): Map<string, Cached<unknown>> {
  let cache = caches.get(engine);
  if (!cache) caches.set(engine, (cache = new Map()));
  return cache;
}

/**
 * Whether a synchronous walk of the folder's index would hold up a request too long: judged by the
 * last count, or by the local sequence (how many changes the index took in) when that count is
 * from before a big scan.
 */
function isBig(engine: SyncEngine, folderId: string): boolean {
  if (engine.store.localMaxSequence(folderId) > BIG_FOLDER_ENTRIES) return true;
  const counts = cacheOf(engine).get(`${folderId}\0counts`)?.value as ReturnType<IndexStore["counts"]> | undefined;
  const entries = (c: Counts) => c.files + c.directories + c.symlinks + c.deleted;
  return !!counts && Math.max(entries(counts.local), entries(counts.global)) > BIG_FOLDER_ENTRIES;
}

/**
 * Counts and completions walk the whole folder index (100,000 files: about a second), and every
 * console page asks for status. So a result is kept until the folder's index changes; while the
 * folder is scanning or syncing (the index changes every batch) the last result is shown and
 * recounted in the background every BUSY_RECOUNT_MS, and folder.progress / folder.summary events
 * carry the live numbers meanwhile.
 * For a big folder a changed index does not hold up the request either: the last figures are
 * returned, a sliced walk computes the new ones in the background, and a folder.counted event
 * tells the console to ask again.
 */
function cached<T>(engine: SyncEngine, folderId: string, what: string, key: string, compute: () => T, computeAsync: () => Promise<T>): T {
  const cache = cacheOf(engine);
  const id = `${folderId}\0${what}`;
  const hit = cache.get(id) as Cached<T> | undefined;
  const generation = engine.store.generation(folderId);
  const state = engine.runners.get(folderId)?.state;
  const busy = state === "scanning" || state === "syncing";
  if (hit && hit.key === key && hit.generation === generation) return hit.value;
  const busyButRecent = busy && performance.now() - (hit?.at ?? 0) < BUSY_RECOUNT_MS;
  if (hit && hit.key === key && busyButRecent) return hit.value;
  if (hit && hit.key === key && (busy || isBig(engine, folderId))) {
    let running = refreshing.get(engine);
    if (!running) refreshing.set(engine, (running = new Set()));
    if (!running.has(id)) {
      running.add(id);
      computeAsync().then(
        (value) => {
          running.delete(id);
          cache.set(id, { generation, key, value, at: performance.now() });
          engine.events.emit("folder.counted", { folderId });
        },
        (err: unknown) => {
          running.delete(id);
          engine.log(`folder ${folderId}: counting failed: ${(err as Error).message}`);
        },
      );
    }
    return hit.value;
  }
  const value = compute();
  cache.set(id, { generation, key, value, at: performance.now() });
  return value;
}

/** Folder and device status for the API, the CLI and the console. */
export function engineStatus(engine: SyncEngine) {
  const folders = engine.config.listFolders().map((f) => {
    const runner = engine.runners.get(f.id);
    const active = engine.activeDevices(f.id);
    const include = (d: string) => active.has(d);
    const counts = cached(engine, f.id, "counts", [...active].sort().join(","), () => engine.store.counts(f.id, include), () => engine.store.countsAsync(f.id, include));
    return {
      id: f.id,
      label: f.label,
      path: f.path,
      type: f.type,
      paused: f.paused,
      devices: f.devices,
      state: runner?.state ?? "stopped",
      error: runner?.error ?? null,
      /** Connected devices whose announced index has not arrived yet (the folder is not known to be up to date). */
      awaitingIndexFrom: [...engine.sessions.values()].filter((s) => s.awaitingIndex(f.id)).map((s) => s.deviceId),
      progress: runner?.progress ?? null,
      local: counts.local,
      global: counts.global,
      need: counts.need,
      failedItems: [...(runner?.failed.values() ?? [])],
      lastScanAt: runner?.lastScanAt ?? null,
      lastPullAt: runner?.lastPullAt ?? null,
      rescanIntervalS: f.rescanIntervalS,
      fsWatcherEnabled: f.fsWatcherEnabled,
      fsWatcherDelayS: f.fsWatcherDelayS,
      versioning: f.versioning,
      maxConflicts: f.maxConflicts,
    };
  });
  const devices = engine.config.listDevices().map((d) => {
    const session = engine.sessions.get(d.deviceId);
    const seen = engine.config.seenInfo(d.deviceId);
    const shared = engine.config.listFolders().filter((f) => f.devices.includes(d.deviceId));
    return {
      deviceId: d.deviceId,
      name: d.name,
      addresses: d.addresses,
      paused: d.paused,
      introducer: d.introducer,
      connected: !!session,
      address: session?.conn.remoteAddress ?? seen?.lastAddress ?? null,
      clientName: session?.conn.remoteHello.clientName ?? seen?.clientName ?? null,
      clientVersion: session?.conn.remoteHello.clientVersion ?? seen?.clientVersion ?? null,
      connectedAt: session?.conn.connectedAt ?? null,
      lastSeenAt: session ? Date.now() : (seen?.lastSeenAt ?? null),
      bytesIn: session?.conn.bytesIn ?? 0,
      bytesOut: session?.conn.bytesOut ?? 0,
      folders: shared.map((f) => ({ folderId: f.id, ...cached(engine, f.id, `completion:${d.deviceId}`, "", () => engine.store.completion(f.id, d.deviceId), () => engine.store.completionAsync(f.id, d.deviceId)) })),
    };
  });
  return { listenAddresses: engine.service.listenAddresses, folders, devices, pending: engine.config.listPending() };
}
