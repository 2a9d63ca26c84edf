// Serving a peer's Request: read exactly one block of a local file, never through a symlink.
// The errors map onto BEP codes (bep.md §12.9): NoSuchFileError → NO_SUCH_FILE (2),
// InvalidFileError → INVALID_FILE (3), anything else → GENERIC (1).
import { createHash } from "node:crypto";
import { constants as fsc } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import type { IgnoreMatcher } from "./ignore";
import { PathEscapeError, assertNoSymlinkInParents, resolveInFolder, tempName, validateRemoteName } from "./names";

export type BlockReadCode = "no-such-file" | "invalid-file";

export class BlockReadError extends Error {
  constructor(
    readonly code: BlockReadCode,
    readonly item: string,
    detail: string,
  ) {
    super(`request for ${JSON.stringify(item)}: ${detail}`);
    this.name = "BlockReadError";
  }
}

/** Missing, not a regular file, behind a symlink, short, or not matching the requested hash. */
export class NoSuchFileError extends BlockReadError {
  constructor(
    item: string,
    detail: string,
    /** The data on disk did not match the requested hash: the index is stale, schedule a rescan (Syncthing's recheckFile). */
    readonly hashMismatch = false,
  ) {
    super("no-such-file", item, detail);
    this.name = "NoSuchFileError";
  }
}

/** A name no peer may ask for (internal, temporary, ignored, not canonical) or a bad range. */
export class InvalidFileError extends BlockReadError {
  constructor(item: string, detail: string) {
    super("invalid-file", item, detail);
    this.name = "InvalidFileError";
  }
}

/** Syncthing 2.1 refuses larger requests (2 × the largest block); it also bounds our memory per request. */
export const MAX_REQUEST_SIZE = 32 * 1024 * 1024;

export interface ReadBlockOptions {
  /** The Request's hash: when non-empty the data must match it (empty: served unchecked, as 1.19 does). */
  hash?: Uint8Array;
  /** Request.from_temporary: try the temp file of an ongoing download first, then the file itself. */
  fromTemporary?: boolean;
  ignores?: Pick<IgnoreMatcher, "match">;
}

async function readExactly(abs: string, offset: number, size: number): Promise<Buffer | null> {
  let fh: FileHandle;
  try {
    fh = await open(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ELOOP" || code === "ENOTDIR" || code === "EISDIR") return null;
    throw err;
  }
  try {
    if (!(await fh.stat()).isFile()) return null;
    const buf = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await fh.read(buf, done, size - done, offset + done);
      if (bytesRead === 0) return null;
      done += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}

const matches = (data: Buffer, hash?: Uint8Array) => !hash || hash.length === 0 || createHash("sha256").update(data).digest().equals(hash);

/** Reads `size` bytes at `offset` of `name` for a peer, as Syncthing's model.Request does. */
export async function readBlock(root: string, name: string, offset: number, size: number, opts: ReadBlockOptions = {}): Promise<Buffer> {
  const check = validateRemoteName(name);
  if (!check.ok) throw new InvalidFileError(name, check.reason);
  if (opts.ignores?.match(name).ignored) throw new InvalidFileError(name, "the file is ignored");
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isInteger(size) || size < 0) throw new InvalidFileError(name, `bad range ${offset}+${size}`);
  if (size > MAX_REQUEST_SIZE) throw new InvalidFileError(name, `size ${size} exceeds ${MAX_REQUEST_SIZE}`);
  let abs: string;
  try {
    abs = resolveInFolder(root, name);
    await assertNoSymlinkInParents(root, name);
  } catch (err) {
    if (err instanceof PathEscapeError) throw new NoSuchFileError(name, err.message);
    throw err;
  }
  if (opts.fromTemporary) {
    const data = await readExactly(resolveInFolder(root, tempName(name)), offset, size);
    if (data && matches(data, opts.hash)) return data;
    // Fall through: the download may have finished and been renamed into place.
  }
  const data = await readExactly(abs, offset, size);
  if (!data) throw new NoSuchFileError(name, "missing, not a regular file, or shorter than the requested range");
  if (!matches(data, opts.hash)) throw new NoSuchFileError(name, "the data on disk does not match the requested hash", true);
  return data;
}
