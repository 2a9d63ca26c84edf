/**
 * The structural checks Syncthing's protocol layer applies to every received Index,
 * IndexUpdate and Request before the model sees them (bep.md §8, §12 items 1, 2, 19).
 * A violation means the peer is broken or hostile, so it is a ProtocolError.
 * Only the 1.x rules are enforced; 2.1.2's stricter size rules are not, so that we
 * still accept what 1.19 sends (e.g. directory sizes).
 */
import { ProtocolError } from "./errors";
import { FileInfoType, type FileInfo } from "./fileinfo";
import type { Index } from "./messages";

/**
 * A wire name must be canonical (what Go's path.Clean leaves unchanged) and relative:
 * no empty, "." or ".." segment, no leading or trailing "/". Anything else could
 * escape the folder or alias another entry.
 */
export function checkFilename(name: string): void {
  if (name === "") throw new ProtocolError("file name is empty");
  for (const segment of name.split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new ProtocolError(`file name ${JSON.stringify(name)} is not in canonical relative form`);
    }
  }
}

export function checkFileInfo(f: FileInfo): void {
  checkFilename(f.name);
  if (f.deleted && f.blocks.length !== 0) throw new ProtocolError(`deleted file ${JSON.stringify(f.name)} has blocks`);
  if (f.type === FileInfoType.Directory && f.blocks.length !== 0) throw new ProtocolError(`directory ${JSON.stringify(f.name)} has blocks`);
  if (!f.deleted && !f.invalid && f.type === FileInfoType.File && f.blocks.length === 0) {
    throw new ProtocolError(`file ${JSON.stringify(f.name)} has an empty block list`);
  }
}

export function checkIndex(idx: Index): void {
  for (const f of idx.files) checkFileInfo(f);
}
