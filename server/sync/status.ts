import type { SyncEngine } from "./engine";

export type EngineStatus = ReturnType<typeof engineStatus>;

interface Cached<T> {
  generation: number;
  key: string;
  value: T;
}

const caches = new WeakMap<SyncEngine, Map<string, Cached<unknown>>>();

/**
 * Counts and completions walk the whole folder index (100,000 files: seconds), and every console page
 * asks for status. So a result is kept until the folder's index changes; while the folder is scanning
 * or syncing (the index changes every batch) the last result is shown until the work is done, and
 * folder.progress / folder.summary events carry the live numbers meanwhile.
 */
function cached<T>(engine: SyncEngine, folderId: string, what: string, key: string, compute: () => T): T {
  let cache = caches.get(engine);
  if (!cache) caches.set(engine, (cache = new Map()));
  const id = `${folderId}\0${what}`;
  const hit = cache.get(id) as Cached<T> | undefined;
  const generation = engine.store.generation(folderId);
  const state = engine.runners.get(folderId)?.state;
  const busy = state === "scanning" || state === "syncing";
  if (hit && hit.key === key && (hit.generation === generation || busy)) return hit.value;
  const value = compute();
  cache.set(id, { generation, key, value });
  return value;
}

/** Folder and device status for the API, the CLI and the console. */
export function engineStatus(engine: SyncEngine) {
  const folders = engine.config.listFolders().map((f) => {
    const runner = engine.runners.get(f.id);
    const active = engine.activeDevices(f.id);
    const counts = cached(engine, f.id, "counts", [...active].sort().join(","), () => engine.store.counts(f.id, (d) => active.has(d)));
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
      folders: shared.map((f) => ({ folderId: f.id, ...cached(engine, f.id, `completion:${d.deviceId}`, "", () => engine.store.completion(f.id, d.deviceId)) })),
    };
  });
  return { listenAddresses: engine.service.listenAddresses, folders, devices, pending: engine.config.listPending() };
}
