import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bootNode, type BootedNode } from "../../server/boot";
import { setRuntime } from "../../server/runtime";
import type { Context } from "../../server/api/context";

/** A real Runtime (SQLite file, identity, auth) in a temporary home, with no sockets. */
export async function createTestNode(password = "test-password-1"): Promise<BootedNode & { cleanup(): void }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-unit-"));
  const booted = await bootNode({ home, gui: "127.0.0.1:0", listen: ["tcp://127.0.0.1:0"], discovery: false, adminPassword: password, dev: false });
  setRuntime(booted.rt);
  return {
    ...booted,
    cleanup() {
      setRuntime(undefined);
      booted.dbHandle.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export function contextFor(node: BootedNode, caller: Context["caller"]): Context {
  return { rt: node.rt, caller, sessionToken: null, res: null, transport: "internal", remoteAddress: "127.0.0.1" };
}
