import type { BepConnection } from "./connection";
import type { SyncEngine } from "./engine";
import type { IndexSender } from "./index-sender";
import { InvalidFileError, NoSuchFileError } from "./block-reader";
import { validateRemoteName } from "./names";
import { DeviceId, ErrorCode, FolderType, type ClusterConfig, type Folder, type Index, type Request } from "./protocol";
import { recordFromFileInfo, type FileRecord } from "./records";
import type { FolderConfig } from "./config";
import type { RequestAnswer } from "./connection";

const WIRE_TYPE: Record<string, number> = { sendreceive: FolderType.SendReceive, sendonly: FolderType.SendOnly, receiveonly: FolderType.ReceiveOnly };
const TYPE_NAME: Record<number, string> = { 0: "sendreceive", 1: "sendonly", 2: "receiveonly", 3: "receiveencrypted" };

/**
 * What happens on one connected device: the ClusterConfig exchange, index senders per shared
 * folder, received indexes stored for the folder runners, and block requests served from disk.
 * Every network input is checked here before it reaches the index or the disk.
 */
export class PeerSession {
  readonly deviceId: string;
  private readonly senders = new Map<string, IndexSender>();
  /** Folders the peer told us it shares with us (and has not paused). */
  private readonly remoteFolders = new Set<string>();
  private stopped = false;
  private lastRemoteConfig: ClusterConfig | null = null;
  private readonly recent = new Map<string, { generation: number; rec: FileRecord | undefined }>();
  /** The sequence the peer's ClusterConfig says its own index has reached, per folder. */
  private readonly announced = new Map<string, number>();
  /** Folders for which an Index or IndexUpdate arrived on this connection. */
  private readonly indexSeen = new Set<string>();

  constructor(
    readonly conn: BepConnection,
    private readonly engine: SyncEngine,
  ) {
    this.deviceId = conn.deviceId.toString();
  }

  start(): void {
    this.conn.on("clusterConfig", (cc) => this.guard(() => this.onClusterConfig(cc)));
    this.conn.on("index", (idx) => this.guard(() => this.onIndex(idx, true)));
    this.conn.on("indexUpdate", (idx) => this.guard(() => this.onIndex(idx, false)));
    this.conn.on("request", (req, respond) => void this.onRequest(req, respond));
    this.conn.on("extension", (type, body) => this.guard(() => this.engine.epochs.onMessage(this, type, body)));
    this.sendClusterConfig();
    // Our failover epochs go out before our index, so a peer knows them before it takes our updates.
    this.engine.epochs.announce(this);
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.senders.values()) s.stop();
    this.senders.clear();
  }

  shares(folderId: string): boolean {
    return this.remoteFolders.has(folderId) && !!this.sharedFolder(folderId);
  }

  /**
   * True while the peer has announced index entries we do not hold yet and has sent none on this
   * connection: until they arrive, "up to date" would be a claim about an index we have not seen.
   */
  awaitingIndex(folderId: string): boolean {
    if (!this.shares(folderId) || this.indexSeen.has(folderId)) return false;
    return (this.announced.get(folderId) ?? 0) > this.engine.config.remoteIndex(folderId, this.deviceId).maxSequence;
  }

  notifyLocal(folderId: string): void {
    this.senders.get(folderId)?.notify();
  }

  private guard(fn: () => void) {
    try {
      fn();
    } catch (err) {
      this.engine.log(`${this.conn.deviceId.shortIdString()}: ${(err as Error).message}`);
      this.conn.close((err as Error).message);
    }
  }

  private sharedFolder(folderId: string): FolderConfig | undefined {
    const f = this.engine.config.folder(folderId);
    return f && f.devices.includes(this.deviceId) ? f : undefined;
  }

  /** Our ClusterConfig: every folder shared with this peer, listing every device sharing it (bep.md §6). */
  sendClusterConfig(): void {
    if (this.conn.closed) return;
    const { config, store } = this.engine;
    const ownId = this.engine.opts.identity.deviceId;
    const folders: Folder[] = config
      .listFolders()
      .filter((f) => f.devices.includes(this.deviceId))
      .map((f) => ({
        id: f.id,
        label: f.label,
        type: WIRE_TYPE[f.type] ?? FolderType.SendReceive,
        ignorePermissions: f.ignorePerms,
        ignoreDelete: false,
        disableTempIndexes: false,
        paused: f.paused,
        devices: [ownId, ...f.devices].map((d) => {
          const dc = config.device(d);
          const mine = d === ownId;
          const remote = mine ? null : config.remoteIndex(f.id, d);
          return {
            id: DeviceId.parse(d),
            name: mine ? this.engine.opts.deviceName() : (dc?.name ?? ""),
            addresses: mine ? ["dynamic"] : (dc?.addresses ?? ["dynamic"]),
            compression: 0,
            certName: "",
            maxSequence: mine ? store.localMaxSequence(f.id) : remote!.maxSequence,
            introducer: dc?.introducer ?? false,
            indexId: mine ? f.indexId : remote!.indexId,
            skipIntroductionRemovals: false,
            encryptionPasswordToken: new Uint8Array(0),
          };
        }),
      }));
    this.conn.send({ type: "clusterConfig", message: { folders, secondary: false } }).catch(() => {});
    // Our config changed (e.g. a pending folder was just accepted): the peer's last ClusterConfig
    // may now share a folder it offered before, and it will not send another one on its own.
    const last = this.lastRemoteConfig;
    if (last) this.guard(() => this.onClusterConfig(last));
  }

  private onClusterConfig(cc: ClusterConfig) {
    this.lastRemoteConfig = cc;
    const { config, store } = this.engine;
    const ownId = this.engine.opts.identity.id;
    const offered: string[] = [];
    for (const folder of cc.folders) {
      offered.push(folder.id);
      const f = this.sharedFolder(folder.id);
      if (!f) {
        if (config.notePendingFolder(folder.id, this.deviceId, folder.label, TYPE_NAME[folder.type] ?? "sendreceive"))
          this.engine.events.emit("folder.pending", { folderId: folder.id, deviceId: this.deviceId, label: folder.label });
        continue;
      }
      const mine = folder.devices.find((d) => d.id.equals(ownId));
      const theirs = folder.devices.find((d) => d.id.equals(this.conn.deviceId));
      if (!mine) throw new Error(`folder ${folder.id}: the peer's ClusterConfig does not list us`);
      // Their own index: a new or zero index ID means whatever we held of theirs is void.
      const held = config.remoteIndex(f.id, this.deviceId);
      const theirIndexId = theirs?.indexId ?? 0n;
      if (theirIndexId === 0n || theirIndexId !== held.indexId) {
        if (held.indexId !== 0n || held.maxSequence) store.dropRemote(f.id, this.deviceId);
        config.setRemoteIndex(f.id, this.deviceId, theirIndexId, 0);
      }
      this.announced.set(f.id, Number(theirs?.maxSequence ?? 0));
      if (folder.paused) {
        this.remoteFolders.delete(f.id);
        this.senders.get(f.id)?.stop();
        this.senders.delete(f.id);
        continue;
      }
      this.remoteFolders.add(f.id);
      if (this.senders.has(f.id)) continue;
      // What they hold of ours decides between a delta and a full index (bep.md §6).
      const ourMax = store.localMaxSequence(f.id);
      const delta = mine.indexId === f.indexId && mine.maxSequence <= ourMax && mine.indexId !== 0n;
      const sender = this.engine.newIndexSender(this.conn, f.id, delta ? mine.maxSequence : 0, !delta);
      this.senders.set(f.id, sender);
      sender.notify();
      this.engine.runners.get(f.id)?.requestPull();
    }
    config.forgetPendingFoldersExcept(this.deviceId, offered);
    // Folders the peer stopped sharing with us.
    for (const id of [...this.remoteFolders]) if (!offered.includes(id)) this.remoteFolders.delete(id);
  }

  private onIndex(idx: Index, full: boolean) {
    const f = this.sharedFolder(idx.folder);
    if (!f) throw new Error(`index for folder "${idx.folder}", which is not shared with this device`);
    if (this.engine.epochs.fenced(f.id, this)) return; // an old primary's updates wait for the epoch (epoch.ts)
    this.indexSeen.add(f.id);
    const recs = [];
    let maxSeq = this.engine.config.remoteIndex(f.id, this.deviceId).maxSequence;
    for (const file of idx.files) {
      const check = validateRemoteName(file.name);
      if (!check.ok) {
        // Internal and temporary names are ignored as Syncthing does; anything else is hostile.
        if (check.problem === "internal" || check.problem === "temporary") continue;
        throw new Error(`invalid file name ${JSON.stringify(file.name)}: ${check.reason}`);
      }
      recs.push(recordFromFileInfo(file));
      if (file.sequence > maxSeq) maxSeq = file.sequence;
    }
    this.engine.store.putRemote(f.id, this.deviceId, recs, full);
    const held = this.engine.config.remoteIndex(f.id, this.deviceId);
    this.engine.config.setRemoteIndex(f.id, this.deviceId, held.indexId, full ? Math.max(0, maxSeq) : Math.max(held.maxSequence, maxSeq));
    this.engine.events.emit("remote.indexUpdated", { folderId: f.id, deviceId: this.deviceId, items: recs.length, sequence: maxSeq });
    this.engine.runners.get(f.id)?.requestPull();
  }

  private async onRequest(req: Request, respond: (a: RequestAnswer) => void) {
    const f = this.sharedFolder(req.folder);
    if (!f || f.paused || this.stopped) return respond({ code: ErrorCode.Generic });
    const check = validateRemoteName(req.name);
    if (!check.ok) return respond({ code: ErrorCode.InvalidFile });
    const local = this.localRecord(f.id, req.name);
    // Only what we announce as valid is served: not ignored, not receive-only local changes.
    if (!local || local.deleted || local.invalid || local.localFlags !== 0) return respond({ code: ErrorCode.NoSuchFile });
    try {
      const { data, release } = await this.engine.blocks.read(f.path, req.name, req.offset, req.size, local, req.hash);
      respond({ data, release });
    } catch (err) {
      // The file changed since it was scanned; Syncthing answers "no such file" and rescans.
      if (err instanceof NoSuchFileError && err.hashMismatch) this.engine.runners.get(f.id)?.requestScan([req.name]);
      respond({ code: err instanceof NoSuchFileError ? ErrorCode.NoSuchFile : err instanceof InvalidFileError ? ErrorCode.InvalidFile : ErrorCode.Generic });
    }
  }

  /** The local index entry, remembered while the folder's index is unchanged (a file is requested block after block). */
  private localRecord(folderId: string, name: string): FileRecord | undefined {
    const key = `${folderId}\0${name}`;
    const generation = this.engine.store.generation(folderId);
    const hit = this.recent.get(key);
    if (hit && hit.generation === generation) return hit.rec;
    const rec = this.engine.store.getLocal(folderId, name);
    if (this.recent.size >= 32) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, { generation, rec });
    return rec;
  }
}
