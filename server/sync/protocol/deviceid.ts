/**
 * Device IDs (bep.md §2): SHA-256 of the peer certificate, shown as base32 with a
 * Luhn-mod-32 check character after each 13-character group.
 */
import { createHash } from "node:crypto";
import { ProtocolError } from "./errors";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const DEVICE_ID_LENGTH = 32;
const GROUP_LEN = 13;
const CHECKED_GROUP_LEN = GROUP_LEN + 1;
const SHORT_ID_LENGTH = 7;

function base32(bytes: Uint8Array): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string, byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new ProtocolError(`device ID contains invalid character ${JSON.stringify(ch)}`);
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (n < byteLength) out[n++] = (acc >>> bits) & 0xff;
    }
  }
  if (n !== byteLength) throw new ProtocolError("device ID has the wrong length");
  return out;
}

/**
 * Syncthing's check character: a "Luhn mod 32" that walks left to right with factors
 * 1,2,1,2… (it differs from textbook Luhn, but it is what every peer computes).
 */
export function luhn32(group: string): string {
  let factor = 1;
  let sum = 0;
  for (const ch of group) {
    const cp = ALPHABET.indexOf(ch);
    if (cp < 0) throw new ProtocolError(`invalid base32 character ${JSON.stringify(ch)}`);
    let addend = factor * cp;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / 32) + (addend % 32);
    sum += addend;
  }
  return ALPHABET[(32 - (sum % 32)) % 32];
}

/** A 32-byte device identity. Immutable; compare with equals(), not ===. */
export class DeviceId {
  private readonly raw: Uint8Array;

  private constructor(raw: Uint8Array) {
    this.raw = raw;
  }

  /** From the 32 raw bytes (as carried in ClusterConfig Device.id). The bytes are copied. */
  static fromBytes(bytes: Uint8Array): DeviceId {
    if (bytes.length !== DEVICE_ID_LENGTH) {
      throw new ProtocolError(`device ID must be ${DEVICE_ID_LENGTH} bytes, got ${bytes.length}`);
    }
    return new DeviceId(Uint8Array.from(bytes));
  }

  /** From the DER bytes of the peer's leaf certificate. */
  static fromCertificate(der: Uint8Array): DeviceId {
    return new DeviceId(new Uint8Array(createHash("sha256").update(der).digest()));
  }

  /**
   * Parses user or config text leniently, as Syncthing does: case-insensitive, dashes
   * and spaces ignored, 0/1/8 read as O/I/B, and the legacy 52-character form without
   * check characters accepted.
   */
  static parse(text: string): DeviceId {
    const cleaned = text
      .trim()
      .replace(/=+$/, "")
      .toUpperCase()
      .replace(/[-\s]/g, "")
      .replace(/0/g, "O")
      .replace(/1/g, "I")
      .replace(/8/g, "B");
    if (cleaned.length === 52) return new DeviceId(unbase32(cleaned, DEVICE_ID_LENGTH));
    if (cleaned.length !== 56) {
      throw new ProtocolError(`device ID must have 56 characters (52 without check characters), got ${cleaned.length}`);
    }
    let data = "";
    for (let g = 0; g < 4; g++) {
      const chunk = cleaned.slice(g * CHECKED_GROUP_LEN, (g + 1) * CHECKED_GROUP_LEN);
      const body = chunk.slice(0, GROUP_LEN);
      const expected = luhn32(body);
      if (chunk[GROUP_LEN] !== expected) {
        // Check character g ends display group 2g+2 (1-based), which is where a user looks for the typo.
        throw new ProtocolError(
          `device ID check character ${g + 1} (display group ${2 * g + 2}) is ${JSON.stringify(chunk[GROUP_LEN])}, expected ${JSON.stringify(expected)}: probably a typo`,
        );
      }
      data += body;
    }
    return new DeviceId(unbase32(data, DEVICE_ID_LENGTH));
  }

  /** The raw 32 bytes (a copy, so the ID stays immutable). */
  get bytes(): Uint8Array {
    return Uint8Array.from(this.raw);
  }

  /** Canonical form: 8 dash-separated groups of 7 characters. */
  toString(): string {
    const b32 = base32(this.raw); // 52 chars
    let checked = "";
    for (let g = 0; g < 4; g++) {
      const body = b32.slice(g * GROUP_LEN, (g + 1) * GROUP_LEN);
      checked += body + luhn32(body);
    }
    const groups: string[] = [];
    for (let i = 0; i < checked.length; i += 7) groups.push(checked.slice(i, i + 7));
    return groups.join("-");
  }

  /** The ShortID: first 8 bytes as a big-endian uint64 (Counter.id, FileInfo.modified_by). */
  shortId(): bigint {
    return shortIdOf(this.raw);
  }

  /** The 7-character ShortID text, equal to the first 7 characters of toString(). */
  shortIdString(): string {
    return shortIdToString(this.shortId());
  }

  equals(other: DeviceId): boolean {
    for (let i = 0; i < DEVICE_ID_LENGTH; i++) if (this.raw[i] !== other.raw[i]) return false;
    return true;
  }

  toJSON(): string {
    return this.toString();
  }
}

function shortIdOf(raw: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(raw[i]);
  return v;
}

/** Text form of a ShortID (e.g. as found in modified_by), used in conflict file names. */
export function shortIdToString(shortId: bigint): string {
  if (shortId < 0n || shortId > 0xffffffffffffffffn) throw new RangeError(`short ID out of range: ${shortId}`);
  const bytes = new Uint8Array(8);
  let v = shortId;
  for (let i = 7; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return base32(bytes).slice(0, SHORT_ID_LENGTH);
}
