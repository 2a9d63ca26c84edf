import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DeviceId, luhn32, shortIdToString } from "@/server/sync/protocol/deviceid";
import { ProtocolError } from "@/server/sync/protocol/errors";

const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));

// Vectors from bep.md §2 (Syncthing docs and lib/protocol/deviceid_test.go, luhn_test.go).
const DOCS_RAW = new TextEncoder().encode("asdl".repeat(8));
const DOCS_ID = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD";
const UNIT_RAW = hex("7f7c8723ecca5b4d22061c4981b34c34d865ec376be1eb74330873c9a6f9b205");
const UNIT_ID = "P56IOI7-MZJNU2Y-IQGDREY-DM2MGTI-MGL3BXN-PQ6W5BM-TBBZ4TJ-XZWICQ2";

describe("device ID text form", () => {
  it("formats the documentation vector", () => {
    expect(DeviceId.fromBytes(DOCS_RAW).toString()).toBe(DOCS_ID);
  });

  it("formats the Syncthing unit-test vector", () => {
    expect(DeviceId.fromBytes(UNIT_RAW).toString()).toBe(UNIT_ID);
  });

  it("computes the Luhn-mod-32 check character of the Syncthing Luhn vector", () => {
    expect(luhn32("AB725E4GHIQPL3ZFGT")).toBe("G");
  });

  it.each([
    ["canonical", UNIT_ID],
    ["lower case", UNIT_ID.toLowerCase()],
    ["unchunked", UNIT_ID.replace(/-/g, "")],
    ["lower case unchunked", UNIT_ID.replace(/-/g, "").toLowerCase()],
    ["52-char legacy form", "P56IOI7MZJNU2IQGDREYDM2MGTMGL3BXNPQ6W5BTBBZ4TJXZWICQ"],
    ["spaces and padding", ` ${UNIT_ID.replace(/-/g, " ")}== `],
  ])("parses the %s", (_label, text) => {
    const id = DeviceId.parse(text);
    expect(id.toString()).toBe(UNIT_ID);
    expect(Buffer.from(id.bytes).equals(Buffer.from(UNIT_RAW))).toBe(true);
  });

  it("reads 0, 1 and 8 as O, I and B", () => {
    const typed = DOCS_ID.replace(/O/g, "0").replace(/I/g, "1").replace(/B/g, "8");
    expect(typed).not.toBe(DOCS_ID);
    expect(DeviceId.parse(typed).toString()).toBe(DOCS_ID);
  });

  it("names the group holding a wrong check character", () => {
    // Change the check character at the end of display group 4 (the second check character).
    const groups = UNIT_ID.split("-");
    const g = groups[3];
    groups[3] = g.slice(0, 6) + (g[6] === "A" ? "B" : "A");
    expect(() => DeviceId.parse(groups.join("-"))).toThrow(ProtocolError);
    expect(() => DeviceId.parse(groups.join("-"))).toThrow(/check character 2 \(display group 4\)/);
  });

  it("rejects wrong lengths and foreign characters", () => {
    expect(() => DeviceId.parse("P56IOI7-MZJNU2Y")).toThrow(ProtocolError);
    expect(() => DeviceId.parse(UNIT_ID.replace("P", "!"))).toThrow(/invalid/);
    expect(() => DeviceId.fromBytes(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});

describe("device ID from a certificate", () => {
  it("is the SHA-256 of the DER bytes", () => {
    const der = Uint8Array.from([0x30, 0x82, 0x01, 0x02, 1, 2, 3]);
    const id = DeviceId.fromCertificate(der);
    expect(Buffer.from(id.bytes).toString("hex")).toBe(createHash("sha256").update(der).digest("hex"));
  });
});

describe("short ID", () => {
  it("is the first 8 bytes read big-endian, as a bigint", () => {
    const id = DeviceId.fromBytes(UNIT_RAW);
    expect(id.shortId()).toBe(0x7f7c8723ecca5b4dn);
    expect(id.shortIdString()).toBe("P56IOI7");
    expect(shortIdToString(0x7f7c8723ecca5b4dn)).toBe("P56IOI7");
  });

  it("keeps values above 2^63 exact", () => {
    const raw = new Uint8Array(32).fill(0xff);
    const id = DeviceId.fromBytes(raw);
    expect(id.shortId()).toBe(0xffffffffffffffffn);
    expect(id.shortIdString()).toBe(id.toString().slice(0, 7));
  });
});

describe("equality", () => {
  it("compares by value and is immune to mutation of the source bytes", () => {
    const src = Uint8Array.from(UNIT_RAW);
    const a = DeviceId.fromBytes(src);
    const b = DeviceId.parse(UNIT_ID);
    expect(a.equals(b)).toBe(true);
    src[0] ^= 1;
    expect(a.equals(b)).toBe(true);
    expect(a.equals(DeviceId.fromBytes(src))).toBe(false);
    a.bytes[0] ^= 1;
    expect(a.equals(b)).toBe(true);
  });
});
