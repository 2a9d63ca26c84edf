import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashBuffer } from "@/server/sync/blocks";
import { hashFilesParallel, workerExecArgv } from "@/server/sync/hash-pool";

describe("hashFilesParallel (worker threads loaded from TypeScript source)", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ferry-pool-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("gives the same blocks as hashing in-process, across chunked files and an empty one", async () => {
    const sizes = [0, 1000, 3 * 1024 * 1024 + 17];
    const datas = sizes.map((n) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + n) & 255)));
    const files = await Promise.all(
      datas.map(async (d, i) => {
        const f = path.join(dir, `f${i}`);
        await writeFile(f, d);
        return f;
      }),
    );
    // 512 KiB chunks force the 3 MiB file to be split across both workers.
    const results = await hashFilesParallel(files, { workers: 2, chunkBytes: 512 * 1024 });
    results.forEach((r, i) => {
      expect(r.size).toBe(sizes[i]);
      expect(r.blocks).toEqual(hashBuffer(datas[i]));
    });
  }, 30_000);

  it("reports a missing file as an error", async () => {
    await expect(hashFilesParallel([path.join(dir, "missing")], { workers: 1 })).rejects.toThrow(/ENOENT/);
  }, 30_000);
});

describe("workerExecArgv", () => {
  it("drops the TypeScript loader in each spelling and keeps every other node flag", () => {
    expect(workerExecArgv(["--cpu-prof", "--cpu-prof-dir=/tmp/p", "--import", "tsx", "--max-old-space-size=512"])).toEqual(["--cpu-prof", "--cpu-prof-dir=/tmp/p", "--max-old-space-size=512"]);
    expect(workerExecArgv(["--import=tsx", "--require", "tsx/cjs", "--loader", "tsx/esm", "--enable-source-maps"])).toEqual(["--enable-source-maps"]);
    // Other preloads stay: only tsx is known to be unneeded in the plain-JavaScript worker.
    expect(workerExecArgv(["--import", "./otel.mjs", "--require=tsxlike"])).toEqual(["--import", "./otel.mjs", "--require=tsxlike"]);
    expect(workerExecArgv([])).toEqual([]);
  });
});
