/**
 * The bytes received on a connection and not yet decoded, kept as the chunks the socket delivered.
 * FrameReader reads frames out of it; a frame is joined into one buffer only when it must be.
 */
import { uninitialized } from "./alloc";

export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes held. */
  buffered = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Whether the first n bytes (n ≤ buffered) lie in one chunk. */
  contiguous(n: number): boolean {
    return this.chunks[0].length >= n;
  }

  /** A contiguous view of the first n bytes (n ≤ buffered), merging chunks only when a frame spans them. */
  peek(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first.length >= n) return first;
    let count = 0;
    let have = 0;
    while (have < n) have += this.chunks[count++].length;
    const merged = uninitialized(have);
    let off = 0;
    for (let i = 0; i < count; i++) {
      merged.set(this.chunks[i], off);
      off += this.chunks[i].length;
    }
    this.chunks.splice(0, count, merged);
    return merged;
  }

  /** Removes and returns the first n bytes. */
  take(n: number): Uint8Array {
    const first = this.peek(n);
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }

  /** A copy of n bytes starting at `from` (both within the buffered bytes), leaving the queue as it is. */
  copyOut(from: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    let skip = from;
    let off = 0;
    for (const c of this.chunks) {
      if (off === n) break;
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      const piece = c.subarray(skip, Math.min(c.length, skip + n - off));
      out.set(piece, off);
      off += piece.length;
      skip = 0;
    }
    return out;
  }

  /** Removes the first n bytes and returns views of bytes [start, start + len) of them, chunk by chunk, without copying. */
  takeParts(n: number, start: number, len: number): Uint8Array[] {
    const parts: Uint8Array[] = [];
    let pos = 0;
    let left = n;
    while (left > 0) {
      const c = this.chunks[0];
      const use = Math.min(c.length, left);
      const lo = Math.max(start, pos);
      const hi = Math.min(start + len, pos + use);
      if (hi > lo) parts.push(c.subarray(lo - pos, hi - pos));
      if (use === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(use);
      pos += use;
      left -= use;
    }
    this.buffered -= n;
    return parts;
  }
}
