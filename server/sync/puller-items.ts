// Directories, symlinks and deletions: the puller's small-item cases (pullFile handles content).
import { chmod, link, lstat, mkdir, readdir, readlink, rename, rm, rmdir, symlink, unlink } from "node:fs/promises";
import path from "node:path";
import type { IgnoreMatcher } from "./ignore";
import { isTemporaryName, tempName } from "./names";
import { FileInfoType, type FileInfo } from "./protocol/fileinfo";
import {
  LocalChangedError,
  PullError,
  fileDiffers,
  lstatOrNull,
  makeParents,
  safeLocal,
  safeTarget,
  syncDir,
  wantedMode,
  type ExpectedLocal,
} from "./puller-disk";

export const isSymlinkType = (type: number) => type === FileInfoType.Symlink || type === FileInfoType.SymlinkFile || type === FileInfoType.SymlinkDirectory;

/**
 * Creates the directory (parents 0755), or fixes the mode of the one already there. Mode is
 * permissions & 0777 unless permissions are ignored, then 0777 minus umask (Syncthing's
 * handleDir). Directory mtimes are not synced, as in Syncthing. Something other than a
 * directory at the name is a local change the caller must rescan and delete first.
 */
export async function applyDirectory(root: string, file: FileInfo, ignorePerms?: boolean): Promise<void> {
  if (file.type !== FileInfoType.Directory || file.deleted || file.invalid) {
    throw new PullError("bad-file-info", file.name, `type ${file.type}${file.deleted ? " (deleted)" : ""} is not a directory to create`);
  }
  const abs = await safeTarget(root, file.name);
  await makeParents(root, file.name);
  const mode = wantedMode(file.permissions, file.noPermissions, ignorePerms);
  const current = await lstatOrNull(abs);
  if (current && !current.isDirectory()) throw new LocalChangedError(file.name, "a non-directory is where the directory goes");
  if (!current) {
    await mkdir(abs, { mode: mode ?? 0o777 });
    await syncDir(path.dirname(abs));
  }
  // mkdir's mode passes through the umask; an explicit chmod gives exactly the peer's bits.
  if (mode !== null) await chmod(abs, mode);
}

/**
 * Creates (or replaces) a symlink with the peer's target text, verbatim.
 *
 * Decision: absolute and `..` targets are created as they are, because Syncthing syncs any
 * target text and refusing them would make us disagree with every peer. The danger is only in
 * *following* one, and nothing here or in pullFile/readBlock does: parents are lstat-checked
 * (assertNoSymlinkInParents) before every write and again before every rename, files are opened
 * with O_NOFOLLOW, and deletion unlinks the link itself. So `link -> /etc` then `link/passwd`
 * is refused.
 *
 * An existing item must match expectedLocal (an existing symlink: same inode when known); a
 * symlink with the same target is left alone. Replacement is atomic: the new link is made under
 * the temp name and renamed over the old item. A directory in the way is not replaced
 * (applyDelete it first).
 */
export async function applySymlink(root: string, file: FileInfo, expectedLocal: ExpectedLocal | null): Promise<void> {
  if (!isSymlinkType(file.type) || file.deleted || file.invalid) {
    throw new PullError("bad-file-info", file.name, `type ${file.type} is not a symlink to create`);
  }
  const target = file.symlinkTarget;
  if (target === "" || target.includes("\0")) throw new PullError("bad-file-info", file.name, "a symlink target must be non-empty and NUL-free");
  const abs = await safeTarget(root, file.name);
  await makeParents(root, file.name);
  const current = await lstatOrNull(abs);
  if (current) {
    if (current.isSymbolicLink() && (await readlink(abs)) === target) return;
    if (!expectedLocal) throw new LocalChangedError(file.name, "an item exists that the index does not know");
    if (current.isDirectory()) throw new PullError("in-the-way", file.name, "a directory is where the symlink goes; delete it first");
    if (current.isSymbolicLink()) {
      if (expectedLocal.inode != null && Number(current.ino) !== expectedLocal.inode) throw new LocalChangedError(file.name, "the symlink was replaced");
    } else {
      const why = fileDiffers(current, expectedLocal);
      if (why) throw new LocalChangedError(file.name, why);
    }
  }
  const tempAbs = await safeLocal(root, tempName(file.name));
  await rm(tempAbs, { force: true }); // never follows: removes a link or file at that name
  await symlink(target, tempAbs);
  try {
    await safeTarget(root, file.name);
    await rename(tempAbs, abs);
  } catch (err) {
    // Unlike a file's temp, a temp link holds nothing worth reusing; left behind it would be a
    // stray link (possibly pointing outside the folder) that the scanner skips but a user sees.
    await rm(tempAbs, { force: true });
    throw err;
  }
  await syncDir(path.dirname(abs));
}

export type DeleteOutcome = "deleted" | "absent" | "kept-not-empty";

export interface ApplyDeleteOptions {
  /** Files only: move the local item here instead of removing it (2.x: a deletion may win a conflict). */
  conflictCopy?: string | null;
  /**
   * The folder's ignores, used when removing a directory: children ignored with (?d) are removed
   * with it, other ignored children keep it (Syncthing's deleteDirOnDisk). Temp files are always
   * removable.
   */
  ignores?: Pick<IgnoreMatcher, "match">;
  modTimeWindowS?: number;
}

/**
 * Removes a file, symlink or empty directory the cluster deleted.
 * - A file or symlink goes only if the disk still matches expectedLocal (else LocalChangedError,
 *   and it stays); with conflictCopy it is moved there instead.
 * - A directory goes only if nothing is left in it but temp files and (?d)-ignored items, which
 *   are then removed with it; anything else keeps it ("kept-not-empty"), because that is either
 *   a child the runner deletes first or a local addition to be scanned.
 */
export async function applyDelete(
  root: string,
  name: string,
  type: number,
  expectedLocal: ExpectedLocal | null,
  opts: ApplyDeleteOptions = {},
): Promise<DeleteOutcome> {
  const abs = await safeTarget(root, name);
  const current = await lstatOrNull(abs);
  if (!current) return "absent";

  if (type === FileInfoType.Directory) {
    if (!current.isDirectory()) throw new LocalChangedError(name, "a non-directory is where the deleted directory was");
    return deleteDirectory(root, name, abs, opts.ignores);
  }
  if (type !== FileInfoType.File && !isSymlinkType(type)) throw new PullError("bad-file-info", name, `cannot delete an item of type ${type}`);
  if (current.isDirectory()) throw new LocalChangedError(name, "a directory is where the deleted file was");
  if (!expectedLocal) throw new LocalChangedError(name, "an item exists that the index does not know");
  if (current.isSymbolicLink()) {
    if (!isSymlinkType(type)) throw new LocalChangedError(name, "a symlink is where the deleted file was");
    if (expectedLocal.inode != null && Number(current.ino) !== expectedLocal.inode) throw new LocalChangedError(name, "the symlink was replaced");
  } else {
    const why = fileDiffers(current, expectedLocal, opts.modTimeWindowS);
    if (why) throw new LocalChangedError(name, why);
  }
  if (opts.conflictCopy) {
    const conflictAbs = await safeTarget(root, opts.conflictCopy);
    await makeParents(root, opts.conflictCopy);
    try {
      await link(abs, conflictAbs); // fails instead of overwriting an older conflict copy
      await unlink(abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new PullError("conflict-exists", name, `conflict copy ${opts.conflictCopy} already exists`);
      if (await lstatOrNull(conflictAbs)) throw err;
      await rename(abs, conflictAbs);
    }
    if (path.dirname(conflictAbs) !== path.dirname(abs)) await syncDir(path.dirname(conflictAbs));
  } else {
    await unlink(abs);
  }
  await syncDir(path.dirname(abs));
  return "deleted";
}

async function deleteDirectory(root: string, name: string, abs: string, ignores?: Pick<IgnoreMatcher, "match">): Promise<DeleteOutcome> {
  const removable: string[] = [];
  for (const entry of await readdir(abs)) {
    const rel = `${name}/${entry}`;
    if (isTemporaryName(rel)) removable.push(entry);
    else if (ignores?.match(rel).deletable) removable.push(entry);
    else return "kept-not-empty";
  }
  for (const entry of removable) {
    const child = path.join(abs, entry);
    // rm never follows symlinks; a (?d)-ignored directory goes with everything in it, as in Syncthing.
    if ((await lstat(child)).isDirectory()) await rm(child, { recursive: true, force: true });
    else await unlink(child);
  }
  try {
    await rmdir(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") return "kept-not-empty"; // something appeared meanwhile
    throw err;
  }
  await syncDir(path.dirname(abs));
  return "deleted";
}
