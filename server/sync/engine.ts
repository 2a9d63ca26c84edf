import { BlockServer } from "./block-server";
import type { Db } from "../db/connection";
import type { EventBus } from "../events/bus";
import { recordAudit } from "../db/audit";
import { canonicalDeviceId, ConfigError, SyncConfig, type FolderConfig, type FolderType } from "./config";
import { ConflictLog } from "./conflicts";
import { EpochExchange } from "./epoch";
import type { BepConnection } from "./connection";
import { ConnectionService } from "./connections";
import { LocalDiscovery } from "./discovery";
import { FolderRunner, type FolderHost } from "./folder";
import type { Identity } from "./identity";
import { IndexSender } from "./index-sender";
import { IndexStore } from "./index-store";
import { PeerSession } from "./peer";
import { DeviceId, type BlockInfo, type Hello } from "./protocol";
import { engineStatus, type EngineStatus } from "./status";
import { RateLimiter } from "./ratelimit";
import { localChanges, revertLocalChanges, type LocalChange, type RevertResult } from "./receive-only";
import { outOfSync, overrideChanges, type OutOfSyncItem } from "./send-only";
import { SettingsStore } from "../db/settings";

export interface EngineOptions {
  db: Db;
  events: EventBus;
  identity: Identity;
  listen: string[];
  discovery: boolean;
  deviceName: () => string;
  version: string;
  log?: (line: string) => void;
  /** Test hook: shorter timers for the connection service. */
  timings?: ConstructorParameters<typeof ConnectionService>[0]["timings"];
}

/**
 * The sync engine: configuration, index, folder runners and peer connections. Headless: it knows
 * nothing of HTTP; the API and the CLI call its methods, and it reports through the event bus.
 */
export class SyncEngine {
  readonly config: SyncConfig;
  readonly store: IndexStore;
  readonly conflicts: ConflictLog;
  readonly runners = new Map<string, FolderRunner>();
  readonly sessions = new Map<string, PeerSession>();
  /** Open files for serving peers' block Requests. */
  readonly blocks = new BlockServer();
  readonly service: ConnectionService;
  private readonly discovery: LocalDiscovery | null;
  readonly shortId: bigint;
  readonly log: (line: string) => void;
  /** Bandwidth buckets: node-wide from settings, per device from the device config. */
  readonly limiter = new RateLimiter();
  /** Failover epochs, exchanged with Ferry peers only. */
  readonly epochs: EpochExchange = new EpochExchange(this);
  private readonly settings: SettingsStore;
  private unsubscribeSettings: (() => void) | null = null;
  private started = false;

  constructor(readonly opts: EngineOptions) {
    this.log = opts.log ?? ((line) => console.log(`[sync] ${line}`));
    this.config = new SyncConfig(opts.db, opts.identity.deviceId);
    this.store = new IndexStore(opts.db.$client);
    this.conflicts = new ConflictLog(opts.db);
    this.shortId = opts.identity.id.shortId();
    this.settings = new SettingsStore(opts.db);
    this.discovery = opts.discovery
      ? new LocalDiscovery({ id: opts.identity.id, addresses: () => this.service.listenAddresses, log: (l) => this.log(`discovery: ${l}`) })
      : null;
    this.service = new ConnectionService({
      identity: opts.identity,
      listen: opts.listen,
      hello: (remote) => this.hello(remote),
      lookupDevice: (id) => {
        const d = this.config.device(id.toString());
        return d ? { addresses: d.addresses, paused: d.paused, certName: d.certName } : null;
      },
      configuredDevices: () => this.config.listDevices().map((d) => DeviceId.parse(d.deviceId)),
      onPendingDevice: (id, name, address) => this.onPendingDevice(id.toString(), name, address),
      onConnection: (conn) => this.onConnection(conn),
      discovery: this.discovery,
      log: (l) => this.log(l),
      timings: opts.timings,
    });
  }

  get events(): EventBus {
    return this.opts.events;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.applyGlobalLimits();
    for (const d of this.config.listDevices()) this.limiter.setDevice(d.deviceId, d);
    // Global limits live in the settings; whoever changes them announces it on the bus.
    this.unsubscribeSettings = this.opts.events.subscribe((e) => {
      if (e.type !== "settings.changed") return;
      const data = e.data as { keys: string[]; by: string };
      if (!data.keys.some((k) => k === "maxSendKbps" || k === "maxRecvKbps")) return;
      const limits = this.applyGlobalLimits();
      this.opts.events.emit("limits.changed", { deviceId: null, ...limits, by: data.by });
    });
    for (const f of this.config.listFolders()) this.startFolder(f);
    await this.service.start();
    await this.discovery?.start();
    this.log(`listening on ${this.service.listenAddresses.join(", ")}`);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.unsubscribeSettings?.();
    this.unsubscribeSettings = null;
    await this.discovery?.stop();
    await this.service.stop();
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    await this.blocks.close();
  }

  private applyGlobalLimits() {
    const { maxSendKbps, maxRecvKbps } = this.settings.get();
    this.limiter.setGlobal({ maxSendKbps, maxRecvKbps });
    return { maxSendKbps, maxRecvKbps };
  }

  private hello(remote: DeviceId | null): Hello {
    // Like Syncthing, tell our name only to devices we know.
    const known = remote ? !!this.config.device(remote.toString()) : false;
    return { deviceName: known ? this.opts.deviceName() : "", clientName: "ferry", clientVersion: `v${this.opts.version}`, numConnections: 1, timestamp: BigInt(Date.now()) * 1_000_000n };
  }

  // ---------------------------------------------------------------- folders

  private host(): FolderHost {
    return {
      store: this.store,
      events: this.opts.events,
      shortId: this.shortId,
      conflicts: this.conflicts,
      fetchBlock: (folderId, name, block, devices, signal) => this.fetchBlock(folderId, name, block, devices, signal),
      activeDevices: (folderId) => this.activeDevices(folderId),
      localIndexChanged: (folderId) => this.localIndexChanged(folderId),
      // Peers learnt our max sequence from a ClusterConfig sent before the scan; they use it to tell
      // "up to date" from "index still coming" (PeerSession.awaitingIndex), so tell them again.
      firstScanChanged: (folderId) => {
        for (const d of this.config.folder(folderId)?.devices ?? []) this.sessions.get(d)?.sendClusterConfig();
      },
      log: this.log,
    };
  }

  private startFolder(f: FolderConfig) {
    const runner = new FolderRunner(f, this.host());
    this.runners.set(f.id, runner);
    void runner.start();
  }

  runner(folderId: string): FolderRunner {
    const r = this.runners.get(folderId);
    if (!r) throw new ConfigError(`no folder ${folderId}`);
    return r;
  }

  /** Devices whose index counts for a folder: it is shared with them and they are not paused. */
  activeDevices(folderId: string): Set<string> {
    const f = this.config.folder(folderId);
    if (!f) return new Set();
    return new Set(f.devices.filter((d) => !this.config.device(d)?.paused));
  }

  private localIndexChanged(folderId: string) {
    for (const s of this.sessions.values()) s.notifyLocal(folderId);
  }

  private rr = 0;
  private async fetchBlock(folderId: string, name: string, block: BlockInfo, devices: string[], signal: AbortSignal): Promise<readonly Uint8Array[]> {
    const candidates = devices.map((d) => this.sessions.get(d)).filter((s): s is PeerSession => !!s && s.shares(folderId));
    if (!candidates.length) throw new Error("no connected device has this version");
    let lastErr: unknown = null;
    for (let i = 0; i < candidates.length; i++) {
      const s = candidates[(this.rr++ + i) % candidates.length];
      try {
        return await s.conn.requestParts({ folder: folderId, name, offset: block.offset, size: block.size, hash: block.hash, fromTemporary: false, weakHash: 0, blockNo: Math.floor(block.offset / Math.max(1, block.size)) }, signal);
      } catch (err) {
        lastErr = err;
        if (signal.aborted) throw err;
      }
    }
    throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
  }

  // ---------------------------------------------------------------- peers

  private onPendingDevice(deviceId: string, name: string, address: string) {
    if (this.config.isIgnoredDevice(deviceId)) return;
    this.config.notePendingDevice(deviceId, name, address);
    this.opts.events.emit("device.pending", { deviceId, name, address });
  }

  private onConnection(conn: BepConnection) {
    const deviceId = conn.deviceId.toString();
    const device = this.config.device(deviceId);
    if (!device) return conn.close("unknown device");
    conn.compression = device.compression;
    conn.throttle = this.limiter.throttle(deviceId);
    const session = new PeerSession(conn, this);
    this.sessions.set(deviceId, session);
    this.config.noteSeen(deviceId, { address: conn.remoteAddress, clientName: conn.remoteHello.clientName, clientVersion: conn.remoteHello.clientVersion });
    this.opts.events.emit("device.connected", { deviceId, address: conn.remoteAddress, clientName: conn.remoteHello.clientName, clientVersion: conn.remoteHello.clientVersion });
    conn.on("closed", (reason) => {
      if (this.sessions.get(deviceId) === session) this.sessions.delete(deviceId);
      session.stop();
      this.config.noteSeen(deviceId, { address: conn.remoteAddress, clientName: conn.remoteHello.clientName, clientVersion: conn.remoteHello.clientVersion });
      this.opts.events.emit("device.disconnected", { deviceId, reason });
      for (const f of this.config.listFolders()) if (f.devices.includes(deviceId)) this.runners.get(f.id)?.requestPull();
    });
    session.start();
  }

  /** Config changed for a device: reconnect so both sides exchange a fresh ClusterConfig. */
  private refreshPeer(deviceId: string) {
    const s = this.sessions.get(deviceId);
    if (s) s.sendClusterConfig();
    this.service.dialNow(DeviceId.parse(deviceId));
  }

  newIndexSender(conn: BepConnection, folderId: string, startAfter: number, full: boolean): IndexSender {
    return new IndexSender(conn, folderId, this.store, startAfter, full, this.log);
  }

  // ---------------------------------------------------------------- operations (API and CLI)

  addDevice(input: { deviceId: string; name?: string; addresses?: string[]; introducer?: boolean }, by: string) {
    const d = this.config.addDevice(input);
    this.opts.events.emit("device.added", { deviceId: d.deviceId, name: d.name, by });
    recordAudit(this.opts.db, by, "device.add", { deviceId: d.deviceId, name: d.name, addresses: d.addresses });
    this.service.dialNow(DeviceId.parse(d.deviceId));
    return d;
  }

  updateDevice(deviceId: string, patch: Parameters<SyncConfig["updateDevice"]>[1], by: string) {
    const before = this.config.device(canonicalDeviceIdOrNull(deviceId) ?? "");
    const d = this.config.updateDevice(deviceId, patch);
    this.opts.events.emit("device.changed", { deviceId: d.deviceId, by });
    recordAudit(this.opts.db, by, "device.update", { deviceId: d.deviceId, patch });
    if (before && before.paused !== d.paused) {
      this.opts.events.emit(d.paused ? "device.paused" : "device.resumed", { deviceId: d.deviceId, by });
      recordAudit(this.opts.db, by, d.paused ? "device.pause" : "device.resume", { deviceId: d.deviceId });
    }
    if (before && (before.maxSendKbps !== d.maxSendKbps || before.maxRecvKbps !== d.maxRecvKbps)) {
      this.limiter.setDevice(d.deviceId, d);
      this.opts.events.emit("limits.changed", { deviceId: d.deviceId, maxSendKbps: d.maxSendKbps, maxRecvKbps: d.maxRecvKbps, by });
    }
    const onlyLimits = Object.keys(patch).every((k) => k === "maxSendKbps" || k === "maxRecvKbps");
    if (patch.paused) this.sessions.get(d.deviceId)?.conn.close("device paused");
    else if (!onlyLimits) this.refreshPeer(d.deviceId);
    for (const r of this.runners.values()) r.requestPull();
    return d;
  }

  removeDevice(deviceId: string, by: string) {
    const id = this.config.device(DeviceId.parse(deviceId).toString())?.deviceId;
    if (!id) throw new ConfigError(`no device ${deviceId}`);
    this.config.removeDevice(id);
    this.limiter.forgetDevice(id);
    for (const f of this.config.listFolders()) this.store.dropRemote(f.id, id);
    this.sessions.get(id)?.conn.close("device removed");
    this.opts.events.emit("device.removed", { deviceId: id, by });
    recordAudit(this.opts.db, by, "device.remove", { deviceId: id });
  }

  ignoreDevice(deviceId: string, by: string) {
    this.config.ignorePendingDevice(deviceId);
    recordAudit(this.opts.db, by, "device.ignore", { deviceId });
  }

  addFolder(input: { id: string; path: string; label?: string; type?: FolderType; devices?: string[]; rescanIntervalS?: number; fsWatcherEnabled?: boolean; fsWatcherDelayS?: number }, by: string) {
    const f = this.config.addFolder(input);
    this.opts.events.emit("folder.added", { folderId: f.id, label: f.label, path: f.path, by });
    recordAudit(this.opts.db, by, "folder.add", { folderId: f.id, path: f.path, type: f.type, devices: f.devices });
    if (this.started) this.startFolder(f);
    for (const d of f.devices) this.refreshPeer(d);
    return folderView(f);
  }

  shareFolder(folderId: string, deviceId: string, by: string) {
    const f = this.config.shareFolder(folderId, deviceId);
    this.runners.get(folderId)?.reconfigure(f);
    this.opts.events.emit("folder.changed", { folderId, by });
    recordAudit(this.opts.db, by, "folder.share", { folderId, deviceId });
    this.refreshPeer(DeviceId.parse(deviceId).toString());
    return folderView(f);
  }

  async updateFolder(folderId: string, patch: Parameters<SyncConfig["updateFolder"]>[1], by: string) {
    const before = this.config.folder(folderId);
    const f = this.config.updateFolder(folderId, patch);
    const runner = this.runners.get(folderId);
    await runner?.reconfigure(f);
    this.opts.events.emit("folder.changed", { folderId, by });
    recordAudit(this.opts.db, by, "folder.update", { folderId, patch });
    if (before && before.type !== f.type) {
      const promoted = runner?.promoted ?? 0;
      this.opts.events.emit("folder.typeChanged", { folderId, from: before.type, to: f.type, promoted, by });
      recordAudit(this.opts.db, by, "folder.type", { folderId, from: before.type, to: f.type, promoted });
    }
    if (before && before.paused !== f.paused) {
      this.opts.events.emit(f.paused ? "folder.paused" : "folder.resumed", { folderId, by });
      recordAudit(this.opts.db, by, f.paused ? "folder.pause" : "folder.resume", { folderId });
    }
    for (const d of f.devices) this.sessions.get(d)?.sendClusterConfig();
    return folderView(f);
  }

  async removeFolder(folderId: string, by: string) {
    const f = this.config.folder(folderId);
    if (!f) throw new ConfigError(`no folder ${folderId}`);
    await this.runners.get(folderId)?.stop();
    this.runners.delete(folderId);
    this.config.removeFolder(folderId);
    this.store.dropFolder(folderId);
    this.opts.events.emit("folder.removed", { folderId, by });
    recordAudit(this.opts.db, by, "folder.remove", { folderId });
    for (const d of f.devices) this.sessions.get(d)?.sendClusterConfig();
  }

  /** Accepts a folder a device offered: creates it at `path` and shares it with that device. */
  acceptFolder(folderId: string, deviceId: string, path: string, by: string, type?: FolderType) {
    const pending = this.config.listPending().folders.find((p) => p.folderId === folderId && p.deviceId === DeviceId.parse(deviceId).toString());
    const existing = this.config.folder(folderId);
    if (existing) return this.shareFolder(folderId, deviceId, by);
    return this.addFolder({ id: folderId, path, label: pending?.label || folderId, type, devices: [deviceId] }, by);
  }

  ignoreFolder(folderId: string, deviceId: string, by: string) {
    this.config.ignorePendingFolder(folderId, deviceId);
    recordAudit(this.opts.db, by, "folder.ignore", { folderId, deviceId });
  }

  /** Rescans a folder (or some paths of it); with wait, resolves when the scan and the pull after it are done. */
  async rescan(folderId: string, opts: { paths?: string[]; wait?: boolean } = {}) {
    const runner = this.runner(folderId);
    runner.requestScan(opts.paths);
    if (opts.wait) await runner.idle();
  }

  // ---------------------------------------------------------------- folder types (bep.md §10)

  private include(folderId: string): (device: string) => boolean {
    const active = this.activeDevices(folderId);
    return (d) => active.has(d);
  }

  private folderOfType(folderId: string, type: FolderType, action: string): FolderConfig {
    const f = this.config.folder(folderId);
    if (!f) throw new ConfigError(`no folder ${folderId}`);
    if (f.type !== type) throw new ConfigError(`${action} applies to ${type} folders; folder ${folderId} is ${f.type}`);
    return f;
  }

  /** Revert and Override change the disk and the index; like Syncthing, not while the folder is paused. */
  private runningFolderOfType(folderId: string, type: FolderType, action: string): FolderConfig {
    const f = this.folderOfType(folderId, type, action);
    if (f.paused) throw new ConfigError(`folder ${folderId} is paused; resume it before ${action}`);
    return f;
  }

  /** A receive-only folder's local changes: what Revert would undo. */
  localChanges(folderId: string): LocalChange[] {
    const f = this.folderOfType(folderId, "receiveonly", "local changes");
    return localChanges(this.store, f.id, this.include(f.id));
  }

  /** A send-only folder's differences from the cluster: what Override would overwrite everywhere. */
  outOfSync(folderId: string): OutOfSyncItem[] {
    const f = this.folderOfType(folderId, "sendonly", "out-of-sync items");
    return outOfSync(this.store.need(f.id, this.include(f.id)));
  }

  /** Revert Local Changes: the cluster's state comes back; local additions are deleted; no conflict copies. */
  async revert(folderId: string, by: string): Promise<RevertResult> {
    const f = this.runningFolderOfType(folderId, "receiveonly", "revert");
    const runner = this.runner(f.id);
    const result = await runner.exclusive(async () => {
      // Catch edits made since the last scan, so they are reverted too rather than left behind.
      await runner.scanNow();
      return revertLocalChanges(this.store, this.config.folder(f.id) ?? f, this.include(f.id));
    });
    this.localIndexChanged(f.id);
    runner.requestPull();
    this.opts.events.emit("folder.reverted", { folderId: f.id, reverted: result.reverted.length, deleted: result.deleted.length, by });
    recordAudit(this.opts.db, by, "folder.revert", { folderId: f.id, reverted: result.reverted.length, deleted: result.deleted, failed: result.failed });
    return result;
  }

  /** Override Changes: our state becomes the global one on every device. */
  async override(folderId: string, by: string): Promise<{ items: string[] }> {
    const f = this.runningFolderOfType(folderId, "sendonly", "override");
    const runner = this.runner(f.id);
    const records = await runner.exclusive(() => overrideChanges(this.store, f.id, this.shortId, this.store.need(f.id, this.include(f.id))));
    const items = records.map((r) => r.name);
    if (items.length) this.localIndexChanged(f.id);
    this.opts.events.emit("folder.overridden", { folderId: f.id, items: items.length, by });
    recordAudit(this.opts.db, by, "folder.override", { folderId: f.id, items: items.slice(0, 1000), count: items.length });
    return { items };
  }

  status(): EngineStatus {
    return engineStatus(this);
  }
}

/**
 * A folder as the operations return it to the API and the CLI: JSON has no bigint, and tRPC
 * (no transformer) fails the whole response on one, after the change was already made.
 */
export type FolderView = Omit<FolderConfig, "indexId"> & { indexId: string };

function folderView(f: FolderConfig): FolderView {
  return { ...f, indexId: f.indexId.toString() };
}

function canonicalDeviceIdOrNull(id: string): string | null {
  try {
    return canonicalDeviceId(id);
  } catch {
    return null;
  }
}
