import { eq } from "drizzle-orm";
import { recordAudit } from "../db/audit";
import { folders } from "../db/schema";
import { SettingsStore } from "../db/settings";
import type { SyncEngine } from "./engine";
import { ConfigError } from "./config";
import type { PeerSession } from "./peer";
import { LocalFlag } from "./records";

/**
 * Failover epochs (DESIGN.md, DR semantics), exchanged in a Ferry-only message type that BEP does
 * not define: Syncthing never receives it, and would skip it if it did.
 *
 * A folder's epoch is a counter and the device that is primary for it. Promoting a replica raises
 * the counter and names this device. A node that learns of a higher epoch naming another device
 * becomes receive-only for that folder; changes it made that the new primary had not seen at
 * promotion time are flagged as receive-only local changes (kept on disk, announced as invalid),
 * so an old primary that comes back cannot overwrite the new one. Until a Ferry peer has
 * announced an epoch at least as high as ours, its index updates for that folder are not taken.
 */
export const EPOCH_MESSAGE_TYPE = 0x4645; // "FE": far outside BEP's 0–7

interface Announcement {
  folder: string;
  epoch: number;
  primary: string;
  /** Highest sequence of each device's index the primary held when it was promoted. */
  seen: Record<string, number>;
}

export interface FolderEpoch {
  epoch: number;
  primary: string | null;
  seen: Record<string, number>;
}

/** Who was primary at the epoch before `until` (the one that replaced it), recorded `at`. */
export interface PreviousPrimary {
  epoch: number;
  primary: string | null;
  until: number;
  at: number;
}

const MAX_BODY = 1 << 20;

export class EpochExchange {
  /** folder → device → the epoch that device last announced. */
  private readonly announced = new Map<string, Map<string, number>>();
  /** folder → devices whose index updates were dropped while they were fenced. */
  private readonly dropped = new Map<string, Set<string>>();
  private store: SettingsStore | null = null;

  // Built while the engine is being constructed, so nothing of it is touched here.
  constructor(private readonly engine: SyncEngine) {}

  private get settings(): SettingsStore {
    return (this.store ??= new SettingsStore(this.engine.opts.db));
  }

  private get self(): string {
    return this.engine.opts.identity.deviceId;
  }

  get(folderId: string): FolderEpoch {
    const f = this.engine.opts.db.select({ epoch: folders.epoch, primary: folders.epochPrimary }).from(folders).where(eq(folders.id, folderId)).get();
    const seen = (this.settings.getRaw(`epoch.seen.${folderId}`) as Record<string, number> | undefined) ?? {};
    return { epoch: f?.epoch ?? 0, primary: f?.primary ?? null, seen };
  }

  /**
   * The primary of the epoch before the current one, as this node knew it (null: never changed).
   * A node that was primary and was demoted finds itself here: the console offers it a failback.
   */
  previous(folderId: string): PreviousPrimary | null {
    return (this.settings.getRaw(`epoch.previous.${folderId}`) as PreviousPrimary | undefined) ?? null;
  }

  private remember(folderId: string, before: { epoch: number; primary: string | null }, until: number): void {
    this.settings.setRaw(`epoch.previous.${folderId}`, { epoch: before.epoch, primary: before.primary, until, at: Date.now() });
  }

  private set(folderId: string, e: FolderEpoch): void {
    this.engine.opts.db.update(folders).set({ epoch: e.epoch, epochPrimary: e.primary }).where(eq(folders.id, folderId)).run();
    this.settings.setRaw(`epoch.seen.${folderId}`, e.seen);
  }

  private isFerry(s: PeerSession): boolean {
    return s.conn.remoteHello.clientName === "ferry";
  }

  /** Tells a newly connected Ferry peer our epoch of every folder we share with it (right after our ClusterConfig). */
  announce(s: PeerSession, only?: string): void {
    if (!this.isFerry(s)) return;
    const list: Announcement[] = [];
    for (const f of this.engine.config.listFolders()) {
      if (!f.devices.includes(s.deviceId) || (only && f.id !== only)) continue;
      const e = this.get(f.id);
      list.push({ folder: f.id, epoch: e.epoch, primary: e.primary ?? "", seen: e.seen });
    }
    if (!list.length) return;
    s.conn.sendExtension(EPOCH_MESSAGE_TYPE, Buffer.from(JSON.stringify(list))).catch(() => {});
  }

  /**
   * Index updates from a Ferry peer for a folder are held back while that peer and we are at
   * different epochs (see below); the connection is restarted once they agree.
   */
  fenced(folderId: string, s: PeerSession): boolean {
    if (!this.isFerry(s)) return false;
    const ours = this.get(folderId).epoch;
    const theirs = this.announced.get(folderId)?.get(s.deviceId) ?? -1;
    // Held back both ways: a peer behind us may be an old primary; a peer ahead of us has a new
    // primary's data that must wait until we have adopted its epoch (and fenced our own changes).
    const stale = ours > 0 && theirs < ours;
    const ahead = theirs > ours;
    if (!stale && !ahead) return false;
    let set = this.dropped.get(folderId);
    if (!set) this.dropped.set(folderId, (set = new Set()));
    set.add(s.deviceId);
    return true;
  }

  onMessage(s: PeerSession, type: number, body: Uint8Array): void {
    if (type !== EPOCH_MESSAGE_TYPE || !this.isFerry(s)) return;
    if (body.length > MAX_BODY) throw new Error(`epoch message of ${body.length} bytes`);
    const list = JSON.parse(Buffer.from(body).toString("utf8")) as Announcement[];
    if (!Array.isArray(list)) throw new Error("epoch message is not a list");
    for (const a of list) {
      if (typeof a?.folder !== "string" || !Number.isSafeInteger(a.epoch) || a.epoch < 0 || typeof a.primary !== "string") continue;
      const f = this.engine.config.folder(a.folder);
      if (!f || !f.devices.includes(s.deviceId)) continue;
      void this.consider(s, a);
    }
  }

  private async consider(from: PeerSession, a: Announcement): Promise<void> {
    let byFolder = this.announced.get(a.folder);
    if (!byFolder) this.announced.set(a.folder, (byFolder = new Map()));
    const ours = this.get(a.folder);
    // Two promotions of the same epoch (a split brain): the higher device ID wins, everywhere alike.
    const newer = a.epoch > ours.epoch || (a.epoch === ours.epoch && a.epoch > 0 && a.primary > (ours.primary ?? ""));
    if (newer) await this.adopt(a, from.deviceId);
    byFolder.set(from.deviceId, a.epoch);
    const now = this.get(a.folder);
    if (a.epoch < now.epoch || (a.epoch === now.epoch && a.primary !== (now.primary ?? "") && !newer)) this.announce(from, a.folder);
    // Updates dropped while the peer was fenced: reconnect so its index is sent again from what we hold.
    if (a.epoch >= now.epoch && this.dropped.get(a.folder)?.delete(from.deviceId)) from.conn.close("failover epoch settled; reconnecting for a clean index exchange");
  }

  private readonly adopting = new Map<string, Promise<void>>();

  /** One adoption per folder at a time: two peers telling us the same news must not demote us twice. */
  private async adopt(a: Announcement, via: string): Promise<void> {
    const busy = this.adopting.get(a.folder);
    if (busy) {
      await busy;
      const now = this.get(a.folder);
      if (!(a.epoch > now.epoch || (a.epoch === now.epoch && a.primary > (now.primary ?? "")))) return;
    }
    const p = this.adoptNow(a, via).finally(() => this.adopting.delete(a.folder));
    this.adopting.set(a.folder, p);
    return p;
  }

  private async adoptNow(a: Announcement, via: string): Promise<void> {
    const f = this.engine.config.folder(a.folder);
    if (!f) return;
    const before = this.get(a.folder);
    if (a.primary !== this.self && f.type !== "receiveonly") {
      // Our changes are fenced before we claim the new epoch: until then peers keep ignoring our
      // index, so nothing valid of ours can slip out in between.
      let flagged = await this.fenceOwnChanges(a.folder, a.seen[this.self] ?? 0);
      await this.engine.updateFolder(a.folder, { type: "receiveonly" }, "failover");
      flagged += await this.fenceOwnChanges(a.folder, a.seen[this.self] ?? 0);
      // We were the writer until now, named or not (epoch 0 names no one).
      this.remember(a.folder, { epoch: before.epoch, primary: this.self }, a.epoch);
      this.set(a.folder, { epoch: a.epoch, primary: a.primary, seen: a.seen });
      this.engine.events.emit("failover.demoted", { folderId: a.folder, epoch: a.epoch, primary: a.primary, from: via });
      recordAudit(this.engine.opts.db, "failover", "failover.demote", { folderId: a.folder, epoch: a.epoch, previousEpoch: before.epoch, primary: a.primary, via, keptLocalChanges: flagged });
      this.engine.log(`folder ${a.folder}: device ${a.primary.slice(0, 7)} is primary at epoch ${a.epoch}; this node is now receive-only (${flagged} local change(s) kept, not sent)`);
    } else {
      if (a.epoch !== before.epoch || a.primary !== before.primary) this.remember(a.folder, before, a.epoch);
      this.set(a.folder, { epoch: a.epoch, primary: a.primary, seen: a.seen });
    }
    // Pass it on (and acknowledge it), so a cluster converges even when the old primary reaches only one of us.
    for (const s of this.engine.sessions.values()) this.announce(s, a.folder);
  }

  /** Our changes the new primary never saw become receive-only local changes: kept here, not sent as valid. */
  private async fenceOwnChanges(folderId: string, seenSequence: number): Promise<number> {
    const runner = this.engine.runners.get(folderId);
    const work = () => {
      const changed = this.engine.store.localSince(folderId, seenSequence, 1_000_000).filter((r) => !(r.localFlags & LocalFlag.ReceiveOnly));
      if (changed.length) this.engine.store.commitLocal(folderId, changed.map((r) => ({ ...r, localFlags: r.localFlags | LocalFlag.ReceiveOnly })));
      // The pull that follows keeps each changed file as a local conflict copy (folder.ts), as a
      // receive-only folder does for any local change the cluster's version replaces.
      return changed.length;
    };
    const n = runner ? await runner.exclusive(work) : work();
    for (const s of this.engine.sessions.values()) s.notifyLocal(folderId);
    return n;
  }

  /** How far this replica is behind what it last saw of the primary, before promoting it. */
  readiness(folderId: string) {
    const f = this.engine.config.folder(folderId);
    if (!f) throw new ConfigError(`no folder ${folderId}`);
    const e = this.get(folderId);
    const need = this.engine.store.need(folderId, (d) => this.engine.sessions.has(d) || f.devices.includes(d));
    const primary = e.primary ?? f.devices.find((d) => this.engine.config.seenInfo(d)) ?? null;
    const seen = primary ? this.engine.config.seenInfo(primary) : null;
    return {
      folderId,
      type: f.type,
      epoch: e.epoch,
      primary,
      isPrimary: primary === this.self,
      primaryConnected: primary ? this.engine.sessions.has(primary) : false,
      primaryLastSeenAt: primary && this.engine.sessions.has(primary) ? Date.now() : (seen?.lastSeenAt ?? null),
      behindItems: need.length,
      behindBytes: need.reduce((n, i) => n + (i.global.deleted ? 0 : i.global.size), 0),
      localChanges: f.type === "receiveonly" ? this.engine.localChanges(folderId).length : 0,
    };
  }

  /** Makes this node the primary of a folder: epoch + 1, naming us; peers learn it now or when they reconnect. */
  async promote(folderId: string, by: string) {
    const f = this.engine.config.folder(folderId);
    if (!f) throw new ConfigError(`no folder ${folderId}`);
    const before = this.get(folderId);
    const seen: Record<string, number> = {};
    for (const d of f.devices) seen[d] = this.engine.config.remoteIndex(folderId, d).maxSequence;
    const epoch = before.epoch + 1;
    this.remember(folderId, before, epoch);
    this.set(folderId, { epoch, primary: this.self, seen });
    this.announced.delete(folderId);
    if (f.type === "receiveonly") await this.engine.updateFolder(folderId, { type: "sendreceive" }, by);
    for (const s of this.engine.sessions.values()) this.announce(s, folderId);
    this.engine.events.emit("failover.promoted", { folderId, epoch, primary: this.self, by });
    recordAudit(this.engine.opts.db, by, "failover.promote", { folderId, epoch, previousEpoch: before.epoch, previousPrimary: before.primary, seen });
    return { folderId, epoch, primary: this.self, previousPrimary: before.primary };
  }
}
