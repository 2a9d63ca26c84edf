import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bootNode, type BootedNode } from "../../server/boot";

export interface TestSyncNode extends BootedNode {
  home: string;
  /** tcp://127.0.0.1:port the engine listens on. */
  address: string;
  deviceId: string;
  close(): Promise<void>;
}

/**
 * A node's runtime with its sync engine started on loopback and no web server: several of them in
 * one process talk real BEP over TLS to each other. Discovery is off.
 */
export async function startSyncNode(opts: { home?: string; name?: string; log?: boolean } = {}): Promise<TestSyncNode> {
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), "ferry-sync-"));
  const booted = await bootNode({ home, gui: "127.0.0.1:0", listen: ["tcp://127.0.0.1:0"], discovery: false, adminPassword: "test-password", dev: false });
  if (opts.name) booted.rt.settings.update({ deviceName: opts.name });
  if (!opts.log) (booted.rt.sync as unknown as { log: (l: string) => void }).log = () => {};
  await booted.rt.sync.start();
  return {
    ...booted,
    home,
    address: booted.rt.sync.service.listenAddresses[0],
    deviceId: booted.rt.identity.deviceId,
    async close() {
      await booted.rt.sync.stop();
      booted.dbHandle.close();
    },
  };
}

/** Pairs a and b both ways with static loopback addresses. */
export function pair(a: TestSyncNode, b: TestSyncNode): void {
  a.rt.sync.addDevice({ deviceId: b.deviceId, name: "b", addresses: [b.address] }, "test");
  b.rt.sync.addDevice({ deviceId: a.deviceId, name: "a", addresses: [a.address] }, "test");
}

/**
 * Polls until check() holds. A check that throws (a file not there yet, a directory being renamed
 * under a walk) counts as "not yet"; its last error is reported if time runs out.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < until) {
    try {
      if (await check()) return;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last check failed: ${(lastError as Error).message})` : ""}`);
}

/** Every file under root (relative path → content hash), ignoring Syncthing's internal entries. */
export function treeOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === ".stfolder" || e.name === ".stversions" || e.name.startsWith(".syncthing.")) continue;
      const abs = path.join(dir, e.name);
      const rel = path.relative(root, abs).split(path.sep).join("/");
      if (e.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(abs)}`;
      else if (e.isDirectory()) {
        out[rel + "/"] = "dir";
        walk(abs);
      } else out[rel] = createHash("sha256").update(fs.readFileSync(abs)).digest("hex");
    }
  };
  walk(root);
  return out;
}
