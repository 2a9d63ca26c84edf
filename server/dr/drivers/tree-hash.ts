import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const SKIP = /^(\.stfolder|\.stversions|\.syncthing\..*\.tmp|~syncthing~.*\.tmp)$/;

/**
 * SHA-256 of every regular file under dir, by relative path, read as streams so a large tree does
 * not block the event loop for long. Ferry's own marker and temp files are left out.
 */
export async function hashTree(dir: string, signal?: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string) => {
    for (const e of await fs.promises.readdir(path.join(dir, rel), { withFileTypes: true })) {
      if (signal?.aborted) throw signal.reason;
      if (SKIP.test(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) out.set(r, await hashFile(path.join(dir, r)));
      else if (e.isSymbolicLink()) out.set(r, `link:${await fs.promises.readlink(path.join(dir, r))}`);
    }
  };
  await walk("");
  return out;
}

export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    fs.createReadStream(file)
      .on("data", (d) => h.update(d))
      .on("end", () => resolve(h.digest("hex")))
      .on("error", reject);
  });
}

/** Differences between two trees, as "missing x", "extra y", "differs z" lines. */
export function compareTrees(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const diffs: string[] = [];
  for (const [name, h] of expected) {
    const a = actual.get(name);
    if (a === undefined) diffs.push(`missing ${name}`);
    else if (a !== h) diffs.push(`differs ${name}`);
  }
  for (const name of actual.keys()) if (!expected.has(name)) diffs.push(`extra ${name}`);
  return diffs;
}
