/**
 * `ferry … | head`: when the reader closes the pipe before the CLI has written everything, the
 * CLI exits quietly instead of dying on an unhandled EPIPE with a stack trace on stderr.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");

describe("ferry CLI with its stdout closed early", () => {
  it("exits 0 with nothing on stderr", async () => {
    // --help needs no node; its output goes through the same stdout writer as every command.
    const child = spawn(process.execPath, [path.join(ROOT, "bin/ferry.mjs"), "--help"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    // Close our end before the CLI writes (it first loads tsx), as `head` does after its lines.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  }, 60_000);
});
