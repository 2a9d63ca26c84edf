// Fixtures shared by the puller's unit tests (puller.test.ts, puller-items.test.ts).
import { lstat, stat } from "node:fs/promises";
import type { ExpectedLocal } from "@/server/sync/puller";

export /** Deterministic content that differs per block, so a block at the wrong offset shows. */
function patterned(size: number, seed = 0x12345678): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}

/** What the index would remember of a file on disk (size, mtime, inode). */
export async function expectedOf(abs: string): Promise<ExpectedLocal> {
  const st = await stat(abs, { bigint: true });
  return { size: Number(st.size), modifiedS: Number(st.mtimeNs / 1_000_000_000n), modifiedNs: Number(st.mtimeNs % 1_000_000_000n), inode: Number(st.ino) };
}

export async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}
