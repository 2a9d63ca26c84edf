/**
 * ClusterConfig (bep.md §5, §6): the folders shared with a peer and, per folder, every
 * device sharing it with its index ID and max sequence. Re-exported by messages.ts.
 */
import { DeviceId } from "./deviceid";
import { ProtocolError } from "./errors";
import { ProtoReader, ProtoWriter, WireType } from "./protobuf";

const EMPTY = new Uint8Array(0);

/** Per-device compression setting carried in ClusterConfig Device.compression. */
export const Compression = { Metadata: 0, Never: 1, Always: 2 } as const;
export type Compression = (typeof Compression)[keyof typeof Compression];

/** Folder.type (field 3). In 1.19 this is the bool read_only, which is wire-identical to SendOnly. */
export const FolderType = { SendReceive: 0, SendOnly: 1, ReceiveOnly: 2, ReceiveEncrypted: 3 } as const;
export type FolderType = (typeof FolderType)[keyof typeof FolderType];

export interface Device {
  id: DeviceId;
  name: string;
  addresses: string[];
  /** A Compression value. */
  compression: number;
  certName: string;
  maxSequence: number;
  introducer: boolean;
  indexId: bigint;
  skipIntroductionRemovals: boolean;
  encryptionPasswordToken: Uint8Array;
}

export interface Folder {
  id: string;
  label: string;
  /** A FolderType value (1.19's read_only=true decodes as SendOnly). */
  type: number;
  ignorePermissions: boolean;
  ignoreDelete: boolean;
  disableTempIndexes: boolean;
  /** 1.19 paused bool / 2.x stop_reason: any non-zero value means not running. */
  paused: boolean;
  devices: Device[];
}

export interface ClusterConfig {
  folders: Folder[];
  /** v1.25+: set on extra connections, which carry no folders. */
  secondary: boolean;
}

// ---------------------------------------------------------------- ClusterConfig

function writeDevice(w: ProtoWriter, d: Device): void {
  const m = w.beginMessage(16);
  w.bytes(1, d.id.bytes);
  w.string(2, d.name);
  for (const a of d.addresses) w.string(3, a, true);
  w.int32(4, d.compression);
  w.string(5, d.certName);
  w.int64(6, d.maxSequence);
  w.bool(7, d.introducer);
  w.uint64(8, d.indexId);
  w.bool(9, d.skipIntroductionRemovals);
  w.bytes(10, d.encryptionPasswordToken);
  w.endMessage(m);
}

function readDevice(r: ProtoReader): Device {
  let id: DeviceId | null = null;
  const d: Omit<Device, "id"> = {
    name: "",
    addresses: [],
    compression: 0,
    certName: "",
    maxSequence: 0,
    introducer: false,
    indexId: 0n,
    skipIntroductionRemovals: false,
    encryptionPasswordToken: EMPTY,
  };
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.LengthDelimited, "Device.id");
        id = DeviceId.fromBytes(r.bytes());
        break;
      case 2:
        r.expect(WireType.LengthDelimited, "Device.name");
        d.name = r.string("Device.name");
        break;
      case 3:
        r.expect(WireType.LengthDelimited, "Device.addresses");
        d.addresses.push(r.string("Device.addresses"));
        break;
      case 4:
        r.expect(WireType.Varint, "Device.compression");
        d.compression = r.int32();
        break;
      case 5:
        r.expect(WireType.LengthDelimited, "Device.cert_name");
        d.certName = r.string("Device.cert_name");
        break;
      case 6:
        r.expect(WireType.Varint, "Device.max_sequence");
        d.maxSequence = r.int64("Device.max_sequence");
        break;
      case 7:
        r.expect(WireType.Varint, "Device.introducer");
        d.introducer = r.bool();
        break;
      case 8:
        r.expect(WireType.Varint, "Device.index_id");
        d.indexId = r.uint64();
        break;
      case 9:
        r.expect(WireType.Varint, "Device.skip_introduction_removals");
        d.skipIntroductionRemovals = r.bool();
        break;
      case 10:
        r.expect(WireType.LengthDelimited, "Device.encryption_password_token");
        d.encryptionPasswordToken = r.bytes();
        break;
      default:
        r.skip();
    }
  }
  // A device entry without an ID is meaningless and would break every ID comparison downstream.
  if (id === null) throw new ProtocolError("ClusterConfig device without an id");
  return { id, ...d };
}

function writeFolder(w: ProtoWriter, f: Folder): void {
  const m = w.beginMessage(1);
  w.string(1, f.id);
  w.string(2, f.label);
  w.int32(3, f.type);
  w.bool(4, f.ignorePermissions);
  w.bool(5, f.ignoreDelete);
  w.bool(6, f.disableTempIndexes);
  w.bool(7, f.paused);
  for (const d of f.devices) writeDevice(w, d);
  w.endMessage(m);
}

function readFolder(r: ProtoReader): Folder {
  const f: Folder = {
    id: "",
    label: "",
    type: 0,
    ignorePermissions: false,
    ignoreDelete: false,
    disableTempIndexes: false,
    paused: false,
    devices: [],
  };
  while (r.next()) {
    switch (r.field) {
      case 1:
        r.expect(WireType.LengthDelimited, "Folder.id");
        f.id = r.string("Folder.id");
        break;
      case 2:
        r.expect(WireType.LengthDelimited, "Folder.label");
        f.label = r.string("Folder.label");
        break;
      case 3:
        r.expect(WireType.Varint, "Folder.type");
        f.type = r.int32();
        break;
      case 4:
        r.expect(WireType.Varint, "Folder.ignore_permissions");
        f.ignorePermissions = r.bool();
        break;
      case 5:
        r.expect(WireType.Varint, "Folder.ignore_delete");
        f.ignoreDelete = r.bool();
        break;
      case 6:
        r.expect(WireType.Varint, "Folder.disable_temp_indexes");
        f.disableTempIndexes = r.bool();
        break;
      case 7:
        r.expect(WireType.Varint, "Folder.paused");
        f.paused = r.bool();
        break;
      case 16:
        r.expect(WireType.LengthDelimited, "Folder.devices");
        f.devices.push(readDevice(r.message()));
        break;
      default:
        r.skip();
    }
  }
  return f;
}

export function encodeClusterConfig(cc: ClusterConfig, w = new ProtoWriter(512)): Uint8Array {
  for (const f of cc.folders) writeFolder(w, f);
  w.bool(2, cc.secondary);
  return w.finish();
}

export function decodeClusterConfig(buf: Uint8Array): ClusterConfig {
  const cc: ClusterConfig = { folders: [], secondary: false };
  const r = new ProtoReader(buf);
  while (r.next()) {
    if (r.field === 1) {
      r.expect(WireType.LengthDelimited, "ClusterConfig.folders");
      cc.folders.push(readFolder(r.message()));
    } else if (r.field === 2) {
      r.expect(WireType.Varint, "ClusterConfig.secondary");
      cc.secondary = r.bool();
    } else r.skip();
  }
  return cc;
}

