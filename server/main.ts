import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { bootNode } from "./boot";
import { parseNodeOptions, UsageError } from "./flags";
import { createFerryServer, type PageHandler } from "./http";
import { ensureNextBuild } from "./next-build";
import { setRuntime } from "./runtime";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (line: string) => console.log(`[ferry] ${line}`);

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(address.slice(i + 1)) };
}

async function main() {
  const options = parseNodeOptions(process.argv.slice(2), process.env);
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const booted = await bootNode(options);
  const { rt } = booted;
  setRuntime(rt);
  if (booted.createdIdentity) log(`generated a new device certificate in ${rt.home}`);
  if (booted.generatedPassword)
    log(`created user "admin" with password: ${booted.generatedPassword}   (shown once; change it in Settings)`);

  // The console build check blocks (it waits for `next build`, a minute or more after a change to
  // the console's sources), so it runs before anything listens: peers and the scheduler never see
  // a node that accepted connections and then stopped answering.
  if (options.console !== false && !options.dev) ensureNextBuild(ROOT, log);

  await rt.sync.start();
  rt.addresses.listen = rt.sync.service.listenAddresses;
  log(`sync listening on ${rt.addresses.listen.join(", ")}${rt.addresses.discovery ? "" : " (local discovery off)"}`);
  // After the engine (tasks use it); it resumes runs a previous stop or crash cut short.
  await rt.dr.start();

  // Next comes after the runtime exists: pages only ever read it. A headless node (--no-console)
  // skips it entirely: no build, and Next's memory is not part of the node's footprint.
  const { host, port } = splitHostPort(rt.addresses.gui);
  let app: { close?: () => Promise<void> } | null = null;
  let pages: PageHandler | null = null;
  if (options.console !== false) {
    const { default: next } = await import("next");
    const nextApp = next({ dev: options.dev, dir: ROOT, hostname: host, port, quiet: true });
    const handle = nextApp.getRequestHandler();
    await nextApp.prepare();
    app = nextApp;
    pages = (req, res) => handle(req, res);
  }

  const web = createFerryServer(rt, pages);
  await new Promise<void>((resolve, reject) => {
    web.server.once("error", reject);
    web.server.listen(port, host, () => resolve());
  });
  const actual = web.server.address();
  const actualPort = typeof actual === "object" && actual ? actual.port : port;
  rt.addresses.gui = `${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  const guiUrl = `http://${rt.addresses.gui}`;
  // The CLI finds a running node through its home directory.
  fs.writeFileSync(path.join(rt.home, "gui-address"), guiUrl + "\n");
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    const force = setTimeout(() => {
      log("shutdown took longer than 10 s; exiting");
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      rt.events.emit("node.stopping", { reason: signal });
      await web.close();
      await rt.dr.stop();
      await rt.sync.stop();
      await app?.close?.();
    } finally {
      // Every write is a synchronous transaction, so once the sockets are closed none is half done.
      booted.dbHandle.close();
      setRuntime(undefined);
    }
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  // "ready" only once the signal handlers are in place: a supervisor (or a test) that stops the
  // node as soon as it reads this line got Node's default action, an exit with no clean shutdown,
  // whenever the line reached it before process.on() ran (seen under load: 6 of 16 stops).
  rt.events.emit("node.started", { deviceId: rt.identity.deviceId, version: rt.version, gui: guiUrl });
  log(`device ID ${rt.identity.deviceId}`);
  log(`ready: console on ${guiUrl}, home ${rt.home}${options.console === false ? " (API only, --no-console)" : ""}`);
}

main().catch((err) => {
  if (err instanceof UsageError) console.error(err.message);
  else console.error(`[ferry] cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
