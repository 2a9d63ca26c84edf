/**
 * Hostile-input fuzzing: every mutated frame, body or LZ4 block must either decode or
 * throw ProtocolError — never a TypeError/RangeError, a hang or a runaway allocation.
 * The PRNG is seeded; a failure message names the iteration so it can be replayed.
 */
import { describe, expect, it } from "vitest";
import { DeviceId } from "@/server/sync/protocol/deviceid";
import { ProtocolError } from "@/server/sync/protocol/errors";
import { emptyFileInfo, FileInfoType } from "@/server/sync/protocol/fileinfo";
import { encodeHelloFrame, encodeMessage, FrameReader, type BepMessage } from "@/server/sync/protocol/framing";
import { lz4CompressBlock, lz4DecompressBlock } from "@/server/sync/protocol/lz4";
import * as m from "@/server/sync/protocol/messages";
import { randomBytes, seededRandom } from "./seeded-random";

// FERRY_FUZZ_SEED lets a run explore other seeds or replay a reported failure.
const SEED = Number(process.env.FERRY_FUZZ_SEED ?? 0xbe9f00d);
const ITERATIONS = 120_000;

const ME = DeviceId.parse("P56IOI7-MZJNU2Y-IQGDREY-DM2MGTI-MGL3BXN-PQ6W5BM-TBBZ4TJ-XZWICQ2");
const PEER = DeviceId.parse("MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD");

function corpusMessages(): BepMessage[] {
  const dev = (id: DeviceId): m.Device => ({
    id,
    name: "node",
    addresses: ["dynamic", "tcp://127.0.0.1:22000"],
    compression: 0,
    certName: "syncthing",
    maxSequence: 12,
    introducer: false,
    indexId: 0xfedcba9876543210n,
    skipIntroductionRemovals: false,
    encryptionPasswordToken: new Uint8Array(0),
  });
  const files = Array.from({ length: 8 }, (_, i) => ({
    ...emptyFileInfo(`d/файл-${i}.txt`),
    type: i === 7 ? FileInfoType.Symlink : FileInfoType.File,
    size: 1000 * i,
    permissions: 0o644,
    modifiedS: 1_700_000_000,
    modifiedNs: 5,
    modifiedBy: ME.shortId(),
    version: [{ id: ME.shortId(), value: 1_795_604_563n }, { id: PEER.shortId(), value: 3n }],
    sequence: i + 1,
    blockSize: 131072,
    blocks: [{ offset: 0, size: 1000 * i, hash: new Uint8Array(32).fill(i), weakHash: 77 }],
    symlinkTarget: i === 7 ? "../x" : "",
    blocksHash: new Uint8Array(32).fill(1),
  }));
  return [
    { type: "clusterConfig", message: { folders: [{ id: "f1", label: "F", type: 1, ignorePermissions: false, ignoreDelete: false, disableTempIndexes: true, paused: false, devices: [dev(ME), dev(PEER)] }], secondary: false } },
    { type: "index", message: { folder: "f1", files, lastSequence: 8, prevSequence: 0 } },
    { type: "indexUpdate", message: { folder: "f1", files: files.slice(0, 2), lastSequence: 2, prevSequence: 1 } },
    { type: "request", message: { id: 3, folder: "f1", name: "d/a", offset: 131072, size: 131072, hash: new Uint8Array(32).fill(4), fromTemporary: true, weakHash: 1, blockNo: 1 } },
    { type: "response", message: { id: 3, data: Uint8Array.from({ length: 600 }, (_, i) => (i * 31) & 0xff), code: 0 } },
    { type: "response", message: { id: 4, data: new Uint8Array(0), code: 2 } },
    { type: "downloadProgress", message: { folder: "f1", updates: [{ updateType: 0, name: "big", version: [{ id: 1n, value: 2n }], blockIndexes: [0, 3, 9], blockSize: 131072 }] } },
    { type: "ping", message: {} },
    { type: "close", message: { reason: "fuzz" } },
  ];
}

const DECODERS: ((b: Uint8Array) => unknown)[] = [
  m.decodeHello,
  m.decodeHeader,
  m.decodeClusterConfig,
  m.decodeIndex,
  m.decodeRequest,
  m.decodeResponse,
  m.decodeDownloadProgress,
  m.decodePing,
  m.decodeClose,
];

describe("protocol fuzzing", () => {
  it(`survives ${ITERATIONS} mutated inputs with only ProtocolError`, { timeout: 60_000 }, () => {
    const rand = seededRandom(SEED);
    const int = (n: number) => Math.floor(rand() * n);
    const msgs = corpusMessages();

    const frames: Uint8Array[] = [];
    for (const msg of msgs) for (const compress of ["never", "always"] as const) frames.push(encodeMessage(msg, { compress }));
    const hello = encodeHelloFrame({ deviceName: "fuzz", clientName: "ferry", clientVersion: "v0.1.0", numConnections: 1, timestamp: 1_795_604_563_000_000_000n });
    const bodies = frames.map((f) => f.subarray(2 + ((f[0] << 8) | f[1]) + 4));
    const plainBodies = msgs.map((msg) => encodeMessage(msg, { compress: "never" })).map((f) => f.subarray(2 + ((f[0] << 8) | f[1]) + 4));
    const lz4Inputs = [...plainBodies.filter((b) => b.length > 0), new Uint8Array(300), randomBytes(rand, 300)];
    const lz4Blocks = lz4Inputs.map((b) => ({ block: lz4CompressBlock(b), len: b.length }));

    const mutate = (src: Uint8Array): Uint8Array => {
      const b = Uint8Array.from(src);
      switch (int(8)) {
        case 0: { // bit flips
          const flips = 1 + int(8);
          for (let i = 0; i < flips && b.length > 0; i++) b[int(b.length)] ^= 1 << int(8);
          return b;
        }
        case 1: // truncation
          return b.subarray(0, int(b.length + 1));
        case 2: { // random 1/2/4-byte value, mostly where lengths live
          if (b.length === 0) return b;
          const width = [1, 2, 4][int(3)];
          const at = rand() < 0.5 ? [0, 2, 4, 6, 8, 10][int(6)] : int(b.length);
          for (let i = 0; i < width && at + i < b.length; i++) b[at + i] = int(256);
          return b;
        }
        case 3: // random bytes
          return randomBytes(rand, int(400));
        case 4: { // splice two frames
          const other = frames[int(frames.length)];
          return Uint8Array.from([...b.subarray(0, int(b.length + 1)), ...other.subarray(int(other.length + 1))]);
        }
        case 5: { // insert random bytes
          const at = int(b.length + 1);
          return Uint8Array.from([...b.subarray(0, at), ...randomBytes(rand, 1 + int(16)), ...b.subarray(at)]);
        }
        case 6: { // delete a range
          const at = int(b.length + 1);
          return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + int(16))]);
        }
        default: { // duplicate a range
          const at = int(b.length + 1);
          const seg = b.subarray(at, at + 1 + int(32));
          return Uint8Array.from([...b.subarray(0, at), ...seg, ...seg, ...b.subarray(at)]);
        }
      }
    };

    let decoded = 0;
    let rejected = 0;
    const check = (i: number, what: string, input: Uint8Array, run: () => void) => {
      try {
        run();
        decoded++;
      } catch (err) {
        if (!(err instanceof ProtocolError)) {
          throw new Error(`iteration ${i} (${what}, seed ${SEED}): ${String(err)} for input ${Buffer.from(input).toString("hex").slice(0, 400)}`);
        }
        rejected++;
      }
    };

    for (let i = 0; i < ITERATIONS; i++) {
      const mode = int(10);
      if (mode < 5) {
        // A stream of frames, possibly after a Hello, delivered in random chunk sizes.
        const withHello = rand() < 0.3;
        const parts = Array.from({ length: 1 + int(3) }, () => frames[int(frames.length)]);
        const victim = int(parts.length);
        parts[victim] = mutate(parts[victim]);
        const stream = Uint8Array.from(Buffer.concat(withHello ? [hello, ...parts] : parts));
        const input = withHello && rand() < 0.2 ? mutate(stream) : stream;
        check(i, "FrameReader", input, () => {
          const reader = new FrameReader({ startWithHello: withHello });
          for (let p = 0; p < input.length; ) {
            const n = 1 + int(input.length);
            reader.feed(input.subarray(p, p + n));
            p += n;
          }
        });
      } else if (mode < 8) {
        const input = mutate(bodies[int(bodies.length)]);
        const decode = DECODERS[int(DECODERS.length)];
        check(i, decode.name, input, () => decode(input));
      } else {
        const { block, len } = lz4Blocks[int(lz4Blocks.length)];
        const input = mutate(block);
        const outLen = rand() < 0.5 ? len : int(input.length * 300 + 2);
        check(i, `lz4 ${outLen}`, input, () => lz4DecompressBlock(input, outLen));
      }
    }

    expect(decoded + rejected).toBe(ITERATIONS);
    // Both outcomes must be exercised, or the mutations are too weak (or too strong) to mean anything.
    expect(decoded).toBeGreaterThan(ITERATIONS / 20);
    expect(rejected).toBeGreaterThan(ITERATIONS / 20);
  });
});
