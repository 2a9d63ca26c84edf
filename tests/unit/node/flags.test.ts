import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseNodeOptions, UsageError } from "../../../server/flags";

describe("node flags and environment", () => {
  it("defaults to ./data and leaves addresses to the stored settings", () => {
    const o = parseNodeOptions([], {});
    expect(o.home).toBe(path.resolve("data"));
    expect(o.gui).toBeNull();
    expect(o.listen).toBeNull();
    expect(o.discovery).toBeNull();
  });

  it("takes FERRY_* variables, and flags win over them", () => {
    const env = { FERRY_HOME: "/tmp/a", FERRY_GUI: "127.0.0.1:9000", FERRY_LISTEN: "tcp://127.0.0.1:22001", FERRY_DISCOVERY: "off" };
    expect(parseNodeOptions([], env)).toMatchObject({ home: "/tmp/a", gui: "127.0.0.1:9000", listen: ["tcp://127.0.0.1:22001"], discovery: false });
    const o = parseNodeOptions(["--home", "/tmp/b", "--gui=127.0.0.1:9001", "--listen", "tcp://127.0.0.1:1,tcp://[::1]:2", "--discovery=on"], env);
    expect(o).toMatchObject({ home: "/tmp/b", gui: "127.0.0.1:9001", listen: ["tcp://127.0.0.1:1", "tcp://[::1]:2"], discovery: true });
  });

  it("refuses malformed values with the flag named", () => {
    expect(() => parseNodeOptions(["--gui", "nonsense"], {})).toThrow(/--gui: expected HOST:PORT/);
    expect(() => parseNodeOptions(["--listen", "udp://x:1"], {})).toThrow(/--listen: expected tcp/);
    expect(() => parseNodeOptions(["--discovery=maybe"], {})).toThrow(UsageError);
    expect(() => parseNodeOptions(["--bogus"], {})).toThrow(/unknown argument/);
  });
  it("serves the console unless --no-console or FERRY_CONSOLE=off asks for the API only", () => {
    expect(parseNodeOptions([], {}).console).toBe(true);
    expect(parseNodeOptions(["--no-console"], {}).console).toBe(false);
    expect(parseNodeOptions([], { FERRY_CONSOLE: "off" }).console).toBe(false);
    expect(() => parseNodeOptions([], { FERRY_CONSOLE: "sometimes" })).toThrow(/FERRY_CONSOLE: expected on or off/);
  });
});
