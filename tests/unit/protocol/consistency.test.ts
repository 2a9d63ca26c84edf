import { describe, expect, it } from "vitest";
import { checkFileInfo, checkFilename } from "@/server/sync/protocol/consistency";
import { ProtocolError } from "@/server/sync/protocol/errors";
import { emptyFileInfo, FileInfoType, type FileInfo } from "@/server/sync/protocol/fileinfo";
import { encodeMessage, FrameReader } from "@/server/sync/protocol/framing";

const block = { offset: 0, size: 0, hash: new Uint8Array(32), weakHash: 0 };

describe("file names from the wire", () => {
  it.each(["a", "a/b", "dir/file.txt", ".hidden", "a/..b", "...", "日本/ファイル"])("accepts canonical %s", (name) => {
    expect(() => checkFilename(name)).not.toThrow();
  });

  it.each(["", ".", "..", "/a", "a/", "a//b", "./a", "a/./b", "a/../b", "../a", "a/.."])("rejects %j", (name) => {
    expect(() => checkFilename(name)).toThrow(ProtocolError);
  });
});

describe("FileInfo block-list rules", () => {
  const file = (x: Partial<FileInfo>): FileInfo => ({ ...emptyFileInfo("f"), ...x });

  it("requires a live file to have at least one block (an empty file has one zero-size block)", () => {
    expect(() => checkFileInfo(file({}))).toThrow(/empty block list/);
    expect(() => checkFileInfo(file({ blocks: [block] }))).not.toThrow();
    expect(() => checkFileInfo(file({ invalid: true }))).not.toThrow();
    expect(() => checkFileInfo(file({ deleted: true }))).not.toThrow();
  });

  it("forbids blocks on deletions and directories", () => {
    expect(() => checkFileInfo(file({ deleted: true, blocks: [block] }))).toThrow(/deleted/);
    expect(() => checkFileInfo(file({ type: FileInfoType.Directory, blocks: [block] }))).toThrow(/directory/);
    expect(() => checkFileInfo(file({ type: FileInfoType.Symlink, symlinkTarget: "x" }))).not.toThrow();
  });

  it("is enforced by FrameReader for Index, IndexUpdate and Request", () => {
    const bad = encodeMessage({ type: "indexUpdate", message: { folder: "f", files: [{ ...emptyFileInfo("x") }], lastSequence: 0, prevSequence: 0 } });
    expect(() => new FrameReader({ startWithHello: false }).feed(bad)).toThrow(/empty block list/);
    const req = encodeMessage({ type: "request", message: { id: 0, folder: "f", name: "../etc/passwd", offset: 0, size: 1, hash: new Uint8Array(0), fromTemporary: false, weakHash: 0, blockNo: 0 } });
    expect(() => new FrameReader({ startWithHello: false }).feed(req)).toThrow(/canonical/);
  });
});
