import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidFileError, NoSuchFileError } from "../../../server/sync/block-reader";
import { BlockServer } from "../../../server/sync/block-server";

let root: string;
let server: BlockServer;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-blocks-"));
  server = new BlockServer();
});
afterEach(async () => {
  await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest();

/** What the scanner would have recorded for the file as it is now. */
function indexed(name: string) {
  const st = fs.statSync(path.join(root, name), { bigint: true });
  return { size: Number(st.size), modifiedS: Number(st.mtimeNs / 1_000_000_000n), modifiedNs: Number(st.mtimeNs % 1_000_000_000n), inode: Number(st.ino) };
}

const openFds = () => fs.readdirSync("/proc/self/fd").length;

describe("BlockServer", () => {
  it("serves blocks of an unchanged file from one open descriptor, without re-hashing", async () => {
    const data = Buffer.from("0123456789abcdef".repeat(1024)); // 16 KiB
    fs.writeFileSync(path.join(root, "a.bin"), data);
    const rec = indexed("a.bin");
    const before = openFds();
    const first = await server.read(root, "a.bin", 0, 4096, rec, sha(data.subarray(0, 4096)));
    const second = await server.read(root, "a.bin", 4096, 4096, rec, sha(data.subarray(4096, 8192)));
    expect(first.data.equals(data.subarray(0, 4096))).toBe(true);
    expect(second.data.equals(data.subarray(4096, 8192))).toBe(true);
    expect(first.verified || second.verified).toBe(false);
    expect(openFds()).toBe(before + 1);
    await server.close();
    expect(openFds()).toBe(before);
  });

  it("reuses a block's buffer only after it was released, never while the data may still be sent", async () => {
    const size = 128 * 1024;
    const data = Buffer.alloc(4 * size);
    for (let i = 0; i < 4; i++) data.fill(i + 1, i * size, (i + 1) * size);
    fs.writeFileSync(path.join(root, "big.bin"), data);
    const rec = indexed("big.bin");
    const read = (i: number) => server.read(root, "big.bin", i * size, size, rec, sha(data.subarray(i * size, (i + 1) * size)));
    const a = await read(0);
    const b = await read(1);
    expect(b.data.buffer).not.toBe(a.data.buffer); // a is not released: b gets its own memory
    expect(a.data[0]).toBe(1);
    a.release();
    a.release(); // twice is harmless: the buffer is handed back once
    const c = await read(2);
    const d = await read(3);
    expect(c.data.buffer).toBe(a.data.buffer);
    expect(d.data.buffer).not.toBe(a.data.buffer);
    expect([b.data[0], c.data[0], d.data[0]]).toEqual([2, 3, 4]);
    // A failed read hands its buffer back too.
    c.release();
    await expect(server.read(root, "big.bin", 4 * size - 10, size, rec, new Uint8Array(0))).rejects.toBeInstanceOf(NoSuchFileError);
    expect((await read(0)).data.buffer).toBe(a.data.buffer);
  });

  it("checks the hash once the file differs from the index, and reports a mismatch for a rescan", async () => {
    const file = path.join(root, "b.txt");
    fs.writeFileSync(file, "original content");
    const rec = indexed("b.txt");
    await server.read(root, "b.txt", 0, 8, rec, sha(Buffer.from("original")));
    // Edited in place after the scan: same inode, new mtime and bytes.
    fs.writeFileSync(file, "changed! content");
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await new Promise((r) => setTimeout(r, 1100)); // past the stat refresh interval
    const err = await server.read(root, "b.txt", 0, 8, rec, sha(Buffer.from("original"))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSuchFileError);
    expect((err as NoSuchFileError).hashMismatch).toBe(true);
    // The same bytes under a newer mtime are still served, verified.
    const same = await server.read(root, "b.txt", 0, 8, rec, sha(Buffer.from("changed!")));
    expect(same).toMatchObject({ verified: true });
    expect(same.data.toString()).toBe("changed!");
  });

  it("follows a file replaced by a rename (the old descriptor points at the old inode)", async () => {
    const file = path.join(root, "c.txt");
    fs.writeFileSync(file, "first version");
    await server.read(root, "c.txt", 0, 5, indexed("c.txt"), sha(Buffer.from("first")));
    fs.writeFileSync(path.join(root, "c.tmp"), "newer version");
    fs.renameSync(path.join(root, "c.tmp"), file);
    const got = await server.read(root, "c.txt", 0, 5, indexed("c.txt"), sha(Buffer.from("newer")));
    expect(got.data.toString()).toBe("newer");
  });

  it("refuses what is missing, short, behind a symlink or out of range", async () => {
    fs.writeFileSync(path.join(root, "short.txt"), "abc");
    const rec = indexed("short.txt");
    await expect(server.read(root, "missing.txt", 0, 3, rec, new Uint8Array())).rejects.toBeInstanceOf(NoSuchFileError);
    await expect(server.read(root, "short.txt", 0, 10, rec, new Uint8Array())).rejects.toBeInstanceOf(NoSuchFileError);
    await expect(server.read(root, "short.txt", -1, 3, rec, new Uint8Array())).rejects.toBeInstanceOf(InvalidFileError);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-outside-"));
    fs.writeFileSync(path.join(outside, "secret.txt"), "secret");
    fs.symlinkSync(outside, path.join(root, "link"));
    await expect(server.read(root, "link/secret.txt", 0, 6, rec, new Uint8Array())).rejects.toBeInstanceOf(NoSuchFileError);
    fs.rmSync(outside, { recursive: true, force: true });
  });
});
