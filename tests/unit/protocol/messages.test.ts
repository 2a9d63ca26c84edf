import { describe, expect, it } from "vitest";
import { DeviceId } from "@/server/sync/protocol/deviceid";
import { ProtocolError } from "@/server/sync/protocol/errors";
import { emptyFileInfo, FileInfoType, type FileInfo } from "@/server/sync/protocol/fileinfo";
import {
  decodeClose,
  decodeClusterConfig,
  decodeDownloadProgress,
  decodeHeader,
  decodeHello,
  decodeIndex,
  decodePing,
  decodeRequest,
  decodeResponse,
  encodeClose,
  encodeClusterConfig,
  encodeDownloadProgress,
  encodeHeader,
  encodeHello,
  encodeIndex,
  encodePing,
  encodeRequest,
  encodeResponse,
  ErrorCode,
  FolderType,
  type ClusterConfig,
  type Device,
} from "@/server/sync/protocol/messages";
import { ProtoWriter } from "@/server/sync/protocol/protobuf";

const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const ascii = (s: string) => Buffer.from(s, "latin1").toString("hex");

const ME = DeviceId.parse("P56IOI7-MZJNU2Y-IQGDREY-DM2MGTI-MGL3BXN-PQ6W5BM-TBBZ4TJ-XZWICQ2");
const PEER = DeviceId.parse("MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD");
const MAX_U64 = 2n ** 64n - 1n;

function sampleFile(name: string, i: number): FileInfo {
  return {
    ...emptyFileInfo(name),
    size: 300_000 + i,
    permissions: 0o644,
    modifiedS: 1_700_000_000 + i,
    modifiedNs: 123_456_789,
    modifiedBy: ME.shortId(),
    version: [
      { id: PEER.shortId(), value: 1_795_604_563n },
      { id: ME.shortId(), value: BigInt(i + 1) },
      { id: MAX_U64, value: MAX_U64 },
    ],
    sequence: 1000 + i,
    blockSize: 131072,
    blocks: [
      { offset: 0, size: 131072, hash: new Uint8Array(32).fill(i & 0xff), weakHash: 0xdeadbeef },
      { offset: 131072, size: 131072, hash: new Uint8Array(32).fill(1), weakHash: 0 },
      { offset: 262144, size: 37856 + i, hash: new Uint8Array(32).fill(2), weakHash: 510788711 },
    ],
    blocksHash: new Uint8Array(32).fill(9),
    previousBlocksHash: new Uint8Array(32).fill(8),
  };
}

function device(id: DeviceId, extra: Partial<Device> = {}): Device {
  return {
    id,
    name: "",
    addresses: [],
    compression: 0,
    certName: "",
    maxSequence: 0,
    introducer: false,
    indexId: 0n,
    skipIntroductionRemovals: false,
    encryptionPasswordToken: new Uint8Array(0),
    ...extra,
  };
}

describe("Hello", () => {
  it("decodes the bytes real Syncthing 1.19.2 sent (bep.md §3)", () => {
    const body = fromHex(`0a02${ascii("vm")} 1209${ascii("syncthing")} 1a0b${ascii("v1.19.2-ds1")}`);
    expect(body.length).toBe(0x1c);
    expect(decodeHello(body)).toEqual({ deviceName: "vm", clientName: "syncthing", clientVersion: "v1.19.2-ds1", numConnections: 0, timestamp: 0n });
  });

  it("round-trips the v1.25 fields num_connections and a nanosecond timestamp", () => {
    const h = { deviceName: "ferry-1", clientName: "ferry", clientVersion: "0.1.0", numConnections: 1, timestamp: 1_795_604_563_123_456_789n };
    expect(decodeHello(encodeHello(h))).toEqual(h);
  });
});

describe("Header", () => {
  it.each([
    ["", 0, 0],
    ["1001", 0, 1],
    ["08011001", 1, 1],
    ["0802", 2, 0],
    ["0803", 3, 0],
    ["0804", 4, 0],
    ["0807", 7, 0],
  ])("bytes %s mean type %i compression %i, both ways (observed in bep.md §4)", (bytes, type, compression) => {
    expect(decodeHeader(fromHex(bytes))).toEqual({ type, compression });
    expect(hex(encodeHeader({ type, compression }))).toBe(bytes);
  });
});

describe("ClusterConfig", () => {
  const cc: ClusterConfig = {
    folders: [
      {
        id: "share1",
        label: "Shared Ünïcode",
        type: FolderType.ReceiveOnly,
        ignorePermissions: true,
        ignoreDelete: true,
        disableTempIndexes: true,
        paused: true,
        devices: [
          device(ME, { name: "me", addresses: ["dynamic", "tcp://127.0.0.1:22001"], maxSequence: 42, indexId: MAX_U64, certName: "syncthing" }),
          device(PEER, { compression: 2, introducer: true, skipIntroductionRemovals: true, encryptionPasswordToken: Uint8Array.from([1, 2, 3]), indexId: 0x1122334455667788n }),
        ],
      },
      { id: "empty", label: "", type: 0, ignorePermissions: false, ignoreDelete: false, disableTempIndexes: false, paused: false, devices: [] },
    ],
    secondary: true,
  };

  it("round-trips every folder and device field", () => {
    const back = decodeClusterConfig(encodeClusterConfig(cc));
    expect(back.secondary).toBe(true);
    expect(back.folders.length).toBe(2);
    const [f] = back.folders;
    expect({ ...f, devices: [] }).toEqual({ ...cc.folders[0], devices: [] });
    expect(f.devices[0].id.equals(ME)).toBe(true);
    expect(f.devices[1].id.equals(PEER)).toBe(true);
    expect(f.devices.map((d) => ({ ...d, id: d.id.toString(), encryptionPasswordToken: [...d.encryptionPasswordToken] }))).toEqual(
      cc.folders[0].devices.map((d) => ({ ...d, id: d.id.toString(), encryptionPasswordToken: [...d.encryptionPasswordToken] })),
    );
  });

  it("encodes a ClusterConfig with nothing set as zero bytes (header length 0 case)", () => {
    expect(encodeClusterConfig({ folders: [], secondary: false }).length).toBe(0);
  });

  it("reads 1.19's read_only=true as a send-only folder and 2.x stop_reason as paused", () => {
    const w = new ProtoWriter();
    const m = w.beginMessage(1);
    w.string(1, "f");
    w.bool(3, true);
    w.int32(7, 1);
    w.endMessage(m);
    const [f] = decodeClusterConfig(w.finish()).folders;
    expect(f.type).toBe(FolderType.SendOnly);
    expect(f.paused).toBe(true);
  });

  it("rejects a device entry whose id is not 32 bytes", () => {
    const w = new ProtoWriter();
    const m = w.beginMessage(1);
    const d = w.beginMessage(16);
    w.bytes(1, new Uint8Array(20));
    w.endMessage(d);
    w.endMessage(m);
    expect(() => decodeClusterConfig(w.finish())).toThrow(ProtocolError);
  });
});

describe("Index and IndexUpdate", () => {
  it("round-trips files of every kind with 64-bit counters", () => {
    const dir: FileInfo = { ...emptyFileInfo("dir"), type: FileInfoType.Directory, permissions: 0o755, sequence: 1 };
    const link: FileInfo = { ...emptyFileInfo("dir/link"), type: FileInfoType.Symlink, noPermissions: true, symlinkTarget: "../target ü", sequence: 2 };
    const gone: FileInfo = { ...emptyFileInfo("gone.txt"), deleted: true, invalid: true, sequence: 3, version: [{ id: 1n, value: 2n }] };
    const idx = { folder: "share1", files: [dir, link, gone, ...Array.from({ length: 50 }, (_, i) => sampleFile(`f/${i}.bin`, i))], lastSequence: 1052, prevSequence: 3 };
    const back = decodeIndex(encodeIndex(idx));
    expect(back).toEqual(idx);
  });

  it("skips platform data and fields from the future", () => {
    const w = new ProtoWriter();
    w.string(1, "share1");
    const m = w.beginMessage(2);
    w.string(1, "a.txt");
    w.int64(3, 5);
    const p = w.beginMessage(14); // platform { unix { owner_name, uid } }
    const u = w.beginMessage(1);
    w.string(1, "jb");
    w.int32(3, 1000);
    w.endMessage(u);
    w.endMessage(p);
    w.bytes(21, Uint8Array.from([1, 2, 3])); // unknown future field
    w.uint64(1000, 8n); // local_flags must never be sent, but must not break us either
    w.int64(10, 7);
    w.endMessage(m);
    w.bytes(99, new Uint8Array(5));
    const idx = decodeIndex(w.finish());
    expect(idx.folder).toBe("share1");
    expect(idx.files).toEqual([{ ...emptyFileInfo("a.txt"), size: 5, sequence: 7 }]);
  });

  it("rejects a known field sent with the wrong wire type", () => {
    const w = new ProtoWriter();
    const m = w.beginMessage(2);
    w.uint32(1, 5); // name as a varint
    w.endMessage(m);
    expect(() => decodeIndex(w.finish())).toThrow(/FileInfo.name: wire type 0/);
  });
});

describe("Request and Response", () => {
  it("encodes a Request with exact field numbers and kinds", () => {
    const q = { id: 5, folder: "f", name: "n", offset: 131072, size: 131072, hash: Uint8Array.from([0xaa]), fromTemporary: true, weakHash: 0xffffffff, blockNo: 1 };
    expect(hex(encodeRequest(q))).toBe("0805" + "120166" + "1a016e" + "20808008" + "28808008" + "3201aa" + "3801" + "40ffffffff0f" + "4801");
    expect(decodeRequest(encodeRequest(q))).toEqual(q);
  });

  it("omits defaults: Syncthing's first Request has no id, offset or block_no", () => {
    const q = { id: 0, folder: "f", name: "n", offset: 0, size: 10, hash: new Uint8Array(0), fromTemporary: false, weakHash: 0, blockNo: 0 };
    expect(hex(encodeRequest(q))).toBe("120166" + "1a016e" + "280a");
    expect(decodeRequest(encodeRequest(q))).toEqual(q);
  });

  it("round-trips a Response and decodes data as a view, not a copy", () => {
    const data = new Uint8Array(200_000).map((_, i) => i * 7);
    const wire = encodeResponse({ id: 77, data, code: ErrorCode.NoError });
    const back = decodeResponse(wire);
    expect(back.id).toBe(77);
    expect(back.code).toBe(0);
    expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
    expect(back.data.buffer).toBe(wire.buffer);
  });

  it("round-trips error codes and negative ids", () => {
    expect(decodeResponse(encodeResponse({ id: -3, data: new Uint8Array(0), code: ErrorCode.NoSuchFile }))).toEqual({ id: -3, data: new Uint8Array(0), code: 2 });
  });
});

describe("DownloadProgress", () => {
  const p = {
    folder: "share1",
    updates: [
      { updateType: 0, name: "big.iso", version: [{ id: ME.shortId(), value: 3n }], blockIndexes: [0, 1, 5, 2 ** 20], blockSize: 131072 },
      { updateType: 1, name: "old.iso", version: [], blockIndexes: [], blockSize: 0 },
    ],
  };

  it("round-trips, writing block_indexes unpacked as declared", () => {
    const wire = encodeDownloadProgress(p);
    expect(decodeDownloadProgress(wire)).toEqual(p);
    // Four separate field-4 tags (0x20), the first carrying index 0.
    expect(hex(wire)).toContain("2000" + "2001" + "2005");
  });

  it("also accepts packed block_indexes", () => {
    const w = new ProtoWriter();
    w.string(1, "f");
    const m = w.beginMessage(2);
    w.string(2, "x");
    w.bytes(4, Uint8Array.from([0x00, 0x07, 0x80, 0x01]));
    w.int32Always(4, 9);
    w.endMessage(m);
    expect(decodeDownloadProgress(w.finish()).updates[0].blockIndexes).toEqual([0, 7, 128, 9]);
  });
});

describe("Ping and Close", () => {
  it("Ping is empty both ways", () => {
    expect(encodePing().length).toBe(0);
    expect(decodePing(new Uint8Array(0))).toEqual({});
  });

  it("round-trips the Close reason Syncthing sends", () => {
    const c = { reason: "handling cluster-config: local device missing in cluster config" };
    expect(decodeClose(encodeClose(c))).toEqual(c);
  });
});
