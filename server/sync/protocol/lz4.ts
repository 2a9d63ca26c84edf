/**
 * LZ4 *block* format (not the frame format): what Syncthing puts after its 4-byte
 * uncompressed-length prefix (bep.md §4).
 *
 * A block is a series of sequences: token (4 bits literal length, 4 bits match
 * length − 4), optional length extension bytes (255 = keep adding), the literals,
 * a 2-byte little-endian match offset and optional match length extension. The last
 * sequence has literals only. Encoders must leave the last 5 bytes as literals and
 * start no match within the last 12 bytes, so other decoders can use fast paths.
 */
import { ProtocolError } from "./errors";
import { uninitialized } from "./alloc";

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;

/**
 * The most output one input byte can yield is 255 (a length-extension byte), so a
 * declared size above this bound is impossible and can be refused before allocating.
 */
export function lz4MaxDecompressedSize(compressedLength: number): number {
  return compressedLength * 255 + 24;
}

/** Worst-case compressed size for `n` input bytes (incompressible data plus token overhead). */
export function lz4CompressBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

/**
 * Decompresses one LZ4 block into exactly `outLength` bytes. Every length and offset is
 * checked against both buffers; anything inconsistent throws ProtocolError.
 */
export function lz4DecompressBlock(src: Uint8Array, outLength: number): Uint8Array {
  if (!Number.isSafeInteger(outLength) || outLength < 0) throw new ProtocolError(`LZ4: invalid uncompressed length ${outLength}`);
  if (outLength > lz4MaxDecompressedSize(src.length)) {
    throw new ProtocolError(`LZ4: declared length ${outLength} is impossible for ${src.length} compressed bytes`);
  }
  const out = uninitialized(outLength);
  const n = src.length;
  let s = 0;
  let d = 0;
  for (;;) {
    if (s >= n) throw new ProtocolError("LZ4: truncated block (missing token)");
    const token = src[s++];

    let litLen = token >>> 4;
    if (litLen === 15) {
      let b: number;
      do {
        if (s >= n) throw new ProtocolError("LZ4: truncated literal length");
        b = src[s++];
        litLen += b;
      } while (b === 255);
    }
    if (litLen > n - s) throw new ProtocolError("LZ4: literals run past the end of the block");
    if (litLen > outLength - d) throw new ProtocolError("LZ4: literals overflow the declared length");
    if (litLen < 16) {
      for (let i = 0; i < litLen; i++) out[d + i] = src[s + i];
    } else {
      out.set(src.subarray(s, s + litLen), d);
    }
    s += litLen;
    d += litLen;

    // The last sequence carries literals only.
    if (s === n) break;

    if (n - s < 2) throw new ProtocolError("LZ4: truncated match offset");
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    if (offset === 0) throw new ProtocolError("LZ4: zero match offset");
    if (offset > d) throw new ProtocolError(`LZ4: match offset ${offset} reaches before the start of the output (${d})`);

    let matchLen = token & 15;
    if (matchLen === 15) {
      let b: number;
      do {
        if (s >= n) throw new ProtocolError("LZ4: truncated match length");
        b = src[s++];
        matchLen += b;
      } while (b === 255);
    }
    matchLen += MIN_MATCH;
    if (matchLen > outLength - d) throw new ProtocolError("LZ4: match overflows the declared length");

    const from = d - offset;
    if (offset >= matchLen) {
      out.copyWithin(d, from, from + matchLen);
    } else {
      // Overlapping match (e.g. a run): must copy byte by byte so it repeats the pattern.
      for (let i = 0; i < matchLen; i++) out[d + i] = out[from + i];
    }
    d += matchLen;
  }
  if (d !== outLength) throw new ProtocolError(`LZ4: block decoded to ${d} bytes, header declared ${outLength}`);
  return out;
}

function read32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

function writeLength(out: Uint8Array, o: number, rest: number): number {
  while (rest >= 255) {
    out[o++] = 255;
    rest -= 255;
  }
  out[o++] = rest;
  return o;
}

/** Emits one sequence (or the final literal-only one when matchLen is 0) and returns the new output position. */
function emitSequence(out: Uint8Array, o: number, src: Uint8Array, litStart: number, litLen: number, offset: number, matchLen: number): number {
  const tokenPos = o++;
  let token: number;
  if (litLen >= 15) {
    token = 15 << 4;
    o = writeLength(out, o, litLen - 15);
  } else {
    token = litLen << 4;
  }
  out.set(src.subarray(litStart, litStart + litLen), o);
  o += litLen;
  if (matchLen > 0) {
    out[o++] = offset & 0xff;
    out[o++] = offset >>> 8;
    const ml = matchLen - MIN_MATCH;
    if (ml >= 15) {
      token |= 15;
      o = writeLength(out, o, ml - 15);
    } else {
      token |= ml;
    }
  }
  out[tokenPos] = token;
  return o;
}

/**
 * Greedy single-pass LZ4 block compressor (hash of 4-byte sequences). It trades ratio
 * for speed, which suits index metadata; the output is valid for any LZ4 decoder.
 */
export function lz4CompressBlock(src: Uint8Array): Uint8Array {
  const n = src.length;
  const out = new Uint8Array(lz4CompressBound(n));
  let o = 0;
  let anchor = 0;

  if (n > MF_LIMIT) {
    const hashBits = Math.min(16, Math.max(10, Math.ceil(Math.log2(n))));
    const shift = 32 - hashBits;
    // Positions are stored +1 so that 0 means "empty slot".
    const table = new Int32Array(1 << hashBits);
    const matchStartLimit = n - MF_LIMIT;
    const matchEndLimit = n - LAST_LITERALS;
    let s = 0;
    while (s < matchStartLimit) {
      const seq = read32(src, s);
      const h = Math.imul(seq, 0x9e3779b1) >>> shift;
      let ref = table[h] - 1;
      table[h] = s + 1;
      if (ref < 0 || s - ref > MAX_OFFSET || read32(src, ref) !== seq) {
        // Skip faster through data that isn't compressing.
        s += 1 + ((s - anchor) >>> 6);
        continue;
      }
      let start = s;
      // Extend backwards into pending literals.
      while (start > anchor && ref > 0 && src[start - 1] === src[ref - 1]) {
        start--;
        ref--;
      }
      let end = s + MIN_MATCH;
      let r = ref + (end - start);
      while (end < matchEndLimit && src[end] === src[r]) {
        end++;
        r++;
      }
      o = emitSequence(out, o, src, anchor, start - anchor, start - ref, end - start);
      anchor = end;
      s = end;
      // Seed the table just behind the new position so runs keep matching.
      if (end - 2 < matchStartLimit && end - 2 > start) {
        table[Math.imul(read32(src, end - 2), 0x9e3779b1) >>> shift] = end - 2 + 1;
      }
    }
  }
  o = emitSequence(out, o, src, anchor, n - anchor, 0, 0);
  return out.subarray(0, o);
}
