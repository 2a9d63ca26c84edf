import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/connection";
import { devices, folderDevices, folders, pendingDevices, pendingFolders } from "../db/schema";
import { DeviceId } from "./protocol/deviceid";

export type FolderType = "sendreceive" | "sendonly" | "receiveonly";
export const FOLDER_TYPES: readonly FolderType[] = ["sendreceive", "sendonly", "receiveonly"];

export interface DeviceConfig {
  deviceId: string;
  name: string;
  addresses: string[];
  introducer: boolean;
  paused: boolean;
  compression: "metadata" | "always" | "never";
  certName: string;
  maxSendKbps: number;
  maxRecvKbps: number;
}

export interface FolderConfig {
  id: string;
  label: string;
  path: string;
  type: FolderType;
  paused: boolean;
  rescanIntervalS: number;
  fsWatcherEnabled: boolean;
  fsWatcherDelayS: number;
  ignorePerms: boolean;
  maxConflicts: number;
  versioning: { type: string; params: Record<string, string> };
  indexId: bigint;
  devices: string[];
}

export class ConfigError extends Error {}

const copyFolder = (f: FolderConfig): FolderConfig => ({ ...f, devices: [...f.devices], versioning: { ...f.versioning, params: { ...f.versioning.params } } });

const FOLDER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const newIndexId = () => randomBytes(8).readBigUInt64BE(0) || 1n;
const MARKER = ".stfolder";

/** Canonical device ID text; throws ConfigError with the parser's reason for a bad ID. */
export function canonicalDeviceId(text: string): string {
  try {
    return DeviceId.parse(text).toString();
  } catch (err) {
    throw new ConfigError(`invalid device ID "${text}": ${(err as Error).message}`);
  }
}

function checkAddress(a: string): string {
  if (a === "dynamic" || /^tcp[46]?:\/\/(\[[0-9a-fA-F:]+\]|[^\s:/[\]]+):\d{1,5}$/.test(a)) return a;
  throw new ConfigError(`invalid address "${a}": expected tcp://host:port or dynamic`);
}

/** Devices, folders, sharing and pending requests: the sync configuration, stored in SQLite. */
export class SyncConfig {
  /**
   * Devices and folders as last read. The engine asks for a folder's config on every block
   * request and every pull (bench (a): 2.5 s of a 16 s transfer went to re-reading these rows
   * through drizzle), so they are read once and dropped on every write made through this class;
   * code that writes these tables elsewhere must call invalidate().
   */
  private cached: { devices?: DeviceConfig[]; folders?: FolderConfig[] } = {};

  constructor(
    private readonly db: Db,
    private readonly ownId: string,
  ) {}

  invalidate(): void {
    this.cached = {};
  }

  // ------------------------------------------------------------ devices

  listDevices(): DeviceConfig[] {
    // Copies, so a caller that changes what it got cannot change the cache.
    return (this.cached.devices ??= this.readDevices()).map((d) => ({ ...d, addresses: [...d.addresses] }));
  }

  private readDevices(): DeviceConfig[] {
    return this.db
      .select()
      .from(devices)
      .all()
      .map((d) => ({
        deviceId: d.deviceId,
        name: d.name,
        addresses: JSON.parse(d.addresses) as string[],
        introducer: d.introducer,
        paused: d.paused,
        compression: d.compression as DeviceConfig["compression"],
        certName: d.certName,
        maxSendKbps: d.maxSendKbps,
        maxRecvKbps: d.maxRecvKbps,
      }));
  }

  device(id: string): DeviceConfig | undefined {
    const d = (this.cached.devices ??= this.readDevices()).find((d) => d.deviceId === id);
    return d && { ...d, addresses: [...d.addresses] };
  }

  addDevice(input: { deviceId: string; name?: string; addresses?: string[]; introducer?: boolean; compression?: DeviceConfig["compression"] }): DeviceConfig {
    const deviceId = canonicalDeviceId(input.deviceId);
    if (deviceId === this.ownId) throw new ConfigError("that is this node's own device ID");
    const addresses = (input.addresses?.length ? input.addresses : ["dynamic"]).map(checkAddress);
    if (this.device(deviceId)) throw new ConfigError(`device ${deviceId} is already configured`);
    this.db.transaction((tx) => {
      tx.insert(devices)
        .values({ deviceId, name: input.name ?? "", addresses: JSON.stringify(addresses), introducer: input.introducer ?? false, compression: input.compression ?? "metadata", addedAt: Date.now() })
        .run();
      tx.delete(pendingDevices).where(eq(pendingDevices.deviceId, deviceId)).run();
    });
    this.invalidate();
    return this.device(deviceId)!;
  }

  updateDevice(id: string, patch: Partial<Pick<DeviceConfig, "name" | "addresses" | "introducer" | "paused" | "compression" | "maxSendKbps" | "maxRecvKbps">>): DeviceConfig {
    const deviceId = canonicalDeviceId(id);
    if (!this.device(deviceId)) throw new ConfigError(`no device ${deviceId}`);
    const set: Record<string, unknown> = { ...patch };
    if (patch.addresses) set.addresses = JSON.stringify(patch.addresses.map(checkAddress));
    this.db.update(devices).set(set).where(eq(devices.deviceId, deviceId)).run();
    this.invalidate();
    return this.device(deviceId)!;
  }

  removeDevice(id: string): void {
    const deviceId = canonicalDeviceId(id);
    if (!this.device(deviceId)) throw new ConfigError(`no device ${deviceId}`);
    this.db.delete(devices).where(eq(devices.deviceId, deviceId)).run();
    this.invalidate(); // its shares went with it
  }

  noteSeen(deviceId: string, info: { address: string; clientName: string; clientVersion: string }): void {
    this.db
      .update(devices)
      .set({ lastSeenAt: Date.now(), lastAddress: info.address, clientName: info.clientName, clientVersion: info.clientVersion })
      .where(eq(devices.deviceId, deviceId))
      .run();
  }

  seenInfo(deviceId: string) {
    return this.db
      .select({ lastSeenAt: devices.lastSeenAt, lastAddress: devices.lastAddress, clientName: devices.clientName, clientVersion: devices.clientVersion })
      .from(devices)
      .where(eq(devices.deviceId, deviceId))
      .get();
  }

  // ------------------------------------------------------------ folders

  listFolders(): FolderConfig[] {
    return (this.cached.folders ??= this.readFolders()).map(copyFolder);
  }

  private readFolders(): FolderConfig[] {
    const shares = this.db.select().from(folderDevices).all();
    return this.db
      .select()
      .from(folders)
      .all()
      .map((f) => ({
        id: f.id,
        label: f.label,
        path: f.path,
        type: f.type as FolderType,
        paused: f.paused,
        rescanIntervalS: f.rescanIntervalS,
        fsWatcherEnabled: f.fsWatcherEnabled,
        fsWatcherDelayS: f.fsWatcherDelayS,
        ignorePerms: f.ignorePerms,
        maxConflicts: f.maxConflicts,
        versioning: JSON.parse(f.versioning),
        indexId: BigInt(f.indexId),
        devices: shares.filter((s) => s.folderId === f.id).map((s) => s.deviceId),
      }));
  }

  folder(id: string): FolderConfig | undefined {
    const f = (this.cached.folders ??= this.readFolders()).find((f) => f.id === id);
    return f && copyFolder(f);
  }

  /** Adds a folder: the directory is created if missing and gets Syncthing's `.stfolder` marker. */
  addFolder(input: {
    id: string;
    path: string;
    label?: string;
    type?: FolderType;
    rescanIntervalS?: number;
    fsWatcherEnabled?: boolean;
    fsWatcherDelayS?: number;
    devices?: string[];
  }): FolderConfig {
    if (!FOLDER_ID.test(input.id)) throw new ConfigError(`invalid folder ID "${input.id}": use letters, digits, ".", "_" or "-" (at most 64)`);
    if (this.folder(input.id)) throw new ConfigError(`folder ${input.id} already exists`);
    if (!path.isAbsolute(input.path)) throw new ConfigError(`folder path must be absolute: "${input.path}"`);
    const type = input.type ?? "sendreceive";
    if (!FOLDER_TYPES.includes(type)) throw new ConfigError(`invalid folder type "${type}"`);
    const clash = this.listFolders().find((f) => f.path === input.path || input.path.startsWith(f.path + path.sep) || f.path.startsWith(input.path + path.sep));
    if (clash) throw new ConfigError(`path ${input.path} overlaps folder ${clash.id} (${clash.path})`);
    const shareWith = (input.devices ?? []).map(canonicalDeviceId);
    for (const d of shareWith) if (!this.device(d)) throw new ConfigError(`cannot share with ${d}: add the device first`);
    try {
      fs.mkdirSync(input.path, { recursive: true });
      const marker = path.join(input.path, MARKER);
      if (!fs.existsSync(marker)) fs.mkdirSync(marker);
    } catch (err) {
      throw new ConfigError(`cannot create ${input.path}: ${(err as Error).message}`);
    }
    this.db.transaction((tx) => {
      tx.insert(folders)
        .values({
          id: input.id,
          label: input.label ?? input.id,
          path: input.path,
          type,
          rescanIntervalS: input.rescanIntervalS ?? 3600,
          fsWatcherEnabled: input.fsWatcherEnabled ?? true,
          fsWatcherDelayS: input.fsWatcherDelayS ?? 10,
          indexId: newIndexId().toString(),
          createdAt: Date.now(),
        })
        .run();
      for (const d of shareWith) tx.insert(folderDevices).values({ folderId: input.id, deviceId: d }).run();
      tx.delete(pendingFolders).where(eq(pendingFolders.folderId, input.id)).run();
    });
    this.invalidate();
    return this.folder(input.id)!;
  }

  updateFolder(id: string, patch: Partial<Pick<FolderConfig, "label" | "type" | "paused" | "rescanIntervalS" | "fsWatcherEnabled" | "fsWatcherDelayS" | "ignorePerms" | "maxConflicts">>): FolderConfig {
    if (!this.folder(id)) throw new ConfigError(`no folder ${id}`);
    if (patch.type && !FOLDER_TYPES.includes(patch.type)) throw new ConfigError(`invalid folder type "${patch.type}"`);
    this.db.update(folders).set(patch).where(eq(folders.id, id)).run();
    this.invalidate();
    return this.folder(id)!;
  }

  removeFolder(id: string): void {
    if (!this.folder(id)) throw new ConfigError(`no folder ${id}`);
    this.db.delete(folders).where(eq(folders.id, id)).run();
    this.invalidate();
  }

  shareFolder(folderId: string, device: string): FolderConfig {
    const deviceId = canonicalDeviceId(device);
    const f = this.folder(folderId);
    if (!f) throw new ConfigError(`no folder ${folderId}`);
    if (!this.device(deviceId)) throw new ConfigError(`no device ${deviceId}: add it first`);
    if (!f.devices.includes(deviceId)) {
      this.db.transaction((tx) => {
        tx.insert(folderDevices).values({ folderId, deviceId }).run();
        tx.delete(pendingFolders).where(and(eq(pendingFolders.folderId, folderId), eq(pendingFolders.deviceId, deviceId))).run();
      });
      this.invalidate();
    }
    return this.folder(folderId)!;
  }

  unshareFolder(folderId: string, device: string): FolderConfig {
    const deviceId = canonicalDeviceId(device);
    this.db.delete(folderDevices).where(and(eq(folderDevices.folderId, folderId), eq(folderDevices.deviceId, deviceId))).run();
    this.invalidate();
    return this.folder(folderId)!;
  }

  /** A new index ID means "my index starts over" to every peer (after the index was reset). */
  resetIndexId(folderId: string): bigint {
    const id = newIndexId();
    this.db.update(folders).set({ indexId: id.toString(), maxSequence: 0 }).where(eq(folders.id, folderId)).run();
    this.invalidate();
    return id;
  }

  remoteIndex(folderId: string, deviceId: string): { indexId: bigint; maxSequence: number } {
    const row = this.db.select().from(folderDevices).where(and(eq(folderDevices.folderId, folderId), eq(folderDevices.deviceId, deviceId))).get();
    return { indexId: BigInt(row?.remoteIndexId ?? "0"), maxSequence: row?.remoteMaxSequence ?? 0 };
  }

  setRemoteIndex(folderId: string, deviceId: string, indexId: bigint, maxSequence: number): void {
    this.db
      .update(folderDevices)
      .set({ remoteIndexId: indexId.toString(), remoteMaxSequence: maxSequence })
      .where(and(eq(folderDevices.folderId, folderId), eq(folderDevices.deviceId, deviceId)))
      .run();
  }

  // ------------------------------------------------------------ pending

  listPending() {
    return {
      devices: this.db.select().from(pendingDevices).all(),
      folders: this.db.select().from(pendingFolders).all(),
    };
  }

  /** Records (or refreshes) a device that connected without being configured; returns true if new. */
  notePendingDevice(deviceId: string, name: string, address: string): boolean {
    const now = Date.now();
    const existing = this.db.select().from(pendingDevices).where(eq(pendingDevices.deviceId, deviceId)).get();
    if (existing) {
      this.db.update(pendingDevices).set({ name: name || existing.name, address, lastSeenAt: now }).where(eq(pendingDevices.deviceId, deviceId)).run();
      return false;
    }
    this.db.insert(pendingDevices).values({ deviceId, name, address, firstSeenAt: now, lastSeenAt: now }).run();
    return true;
  }

  isIgnoredDevice(deviceId: string): boolean {
    return !!this.db.select().from(pendingDevices).where(and(eq(pendingDevices.deviceId, deviceId), eq(pendingDevices.ignored, true))).get();
  }

  ignorePendingDevice(device: string): void {
    const deviceId = canonicalDeviceId(device);
    const now = Date.now();
    this.db
      .insert(pendingDevices)
      .values({ deviceId, firstSeenAt: now, lastSeenAt: now, ignored: true })
      .onConflictDoUpdate({ target: pendingDevices.deviceId, set: { ignored: true } })
      .run();
  }

  notePendingFolder(folderId: string, deviceId: string, label: string, type: string): boolean {
    const now = Date.now();
    const where = and(eq(pendingFolders.folderId, folderId), eq(pendingFolders.deviceId, deviceId));
    const existing = this.db.select().from(pendingFolders).where(where).get();
    if (existing) {
      this.db.update(pendingFolders).set({ label, type, lastSeenAt: now }).where(where).run();
      return false;
    }
    this.db.insert(pendingFolders).values({ folderId, deviceId, label, type, firstSeenAt: now, lastSeenAt: now }).run();
    return true;
  }

  ignorePendingFolder(folderId: string, device: string): void {
    const deviceId = canonicalDeviceId(device);
    const where = and(eq(pendingFolders.folderId, folderId), eq(pendingFolders.deviceId, deviceId));
    if (!this.db.select().from(pendingFolders).where(where).get()) throw new ConfigError(`no pending folder ${folderId} from ${deviceId}`);
    this.db.update(pendingFolders).set({ ignored: true }).where(where).run();
  }

  /** Pending folders disappear when the device stops offering them (bep.md §6). */
  forgetPendingFoldersExcept(deviceId: string, offered: string[]): void {
    for (const p of this.db.select().from(pendingFolders).where(eq(pendingFolders.deviceId, deviceId)).all())
      if (!offered.includes(p.folderId) && !p.ignored)
        this.db.delete(pendingFolders).where(and(eq(pendingFolders.folderId, p.folderId), eq(pendingFolders.deviceId, deviceId))).run();
  }
}
