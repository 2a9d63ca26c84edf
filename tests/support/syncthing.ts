/**
 * A real Syncthing (Debian's /usr/bin/syncthing, 1.19.2) on loopback for interop tests.
 *
 * startSyncthing() generates a fresh home, rewrites config.xml so the instance touches nothing
 * but 127.0.0.1 (one TCP sync listener, the GUI/REST on a free port; global and local discovery,
 * relays, NAT, usage and crash reporting, upgrades all off; no default folder), starts
 * `syncthing serve` and waits for REST. Always call stop() (in afterAll): it kills by PID.
 *
 *   const st = await startSyncthing();
 *   await st.addDevice(ferry.deviceId, "tcp://127.0.0.1:22100", "ferry");
 *   await st.addFolder({ id: "f1", path: dir, devices: [ferry.deviceId] });
 *   const pending = await st.pendingDevices();
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const SYNCTHING_BIN = process.env.SYNCTHING_BIN ?? "/usr/bin/syncthing";

export interface SyncthingOptions {
  /** Use this directory as home instead of a new temporary one (it is not deleted on stop). */
  home?: string;
  /** Seconds between Syncthing's dial rounds (its default is 60; tests want it prompt). */
  reconnectIntervalS?: number;
  /** Extra environment, e.g. { STTRACE: "connections" } for debugging. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface FolderSpec {
  id: string;
  path: string;
  label?: string;
  type?: "sendreceive" | "sendonly" | "receiveonly";
  /** Device IDs to share with; Syncthing's own ID is added automatically. */
  devices?: string[];
  rescanIntervalS?: number;
  fsWatcherEnabled?: boolean;
  fsWatcherDelayS?: number;
}

export interface PendingDevice {
  time: string;
  name: string;
  address: string;
}

export interface SyncthingInstance {
  home: string;
  deviceId: string;
  apiKey: string;
  /** http://127.0.0.1:PORT */
  guiUrl: string;
  syncPort: number;
  /** tcp://127.0.0.1:PORT, the address to dial it on. */
  syncAddress: string;
  child: ChildProcess;
  /** Everything it printed so far (useful in assertion messages). */
  log(): string;
  rest<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<T>;
  addDevice(id: string, address?: string, name?: string): Promise<void>;
  addFolder(folder: FolderSpec): Promise<void>;
  pendingDevices(): Promise<Record<string, PendingDevice>>;
  /** SIGTERM, then SIGKILL after 5 s; removes a temporary home. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1 (the usual small race is acceptable in tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function setOption(xml: string, name: string, value: string): string {
  const re = new RegExp(`<${name}>[^<]*</${name}>`);
  if (!re.test(xml)) throw new Error(`config.xml has no <${name}> option`);
  return xml.replace(re, `<${name}>${value}</${name}>`);
}

/** Rewrites the generated config so that only loopback is used and nothing phones home. */
function loopbackConfig(xml: string, syncPort: number, guiPort: number, reconnectIntervalS: number): string {
  let out = xml;
  out = setOption(out, "listenAddress", `tcp://127.0.0.1:${syncPort}`);
  out = out.replace(/(<gui[^>]*>\s*<address>)[^<]*(<\/address>)/, `$1127.0.0.1:${guiPort}$2`);
  for (const [k, v] of Object.entries({
    globalAnnounceEnabled: "false",
    localAnnounceEnabled: "false",
    relaysEnabled: "false",
    natEnabled: "false",
    urAccepted: "-1",
    autoUpgradeIntervalH: "0",
    crashReportingEnabled: "false",
    startBrowser: "false",
    reconnectionIntervalS: String(reconnectIntervalS),
  })) {
    out = setOption(out, k, v);
  }
  // Drop any top-level folder (the template in <defaults> has id=""; real folders have an id).
  return out.replace(/\n {4}<folder id="[^"]+"[\s\S]*?\n {4}<\/folder>/g, "");
}

export async function startSyncthing(opts: SyncthingOptions = {}): Promise<SyncthingInstance> {
  const ownHome = opts.home === undefined;
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), "ferry-st-"));
  const env = { ...process.env, STNODEFAULTFOLDER: "1", STNOUPGRADE: "1", STNORESTART: "1", ...opts.env };
  const gen = spawnSync(SYNCTHING_BIN, ["generate", `--home=${home}`, "--no-default-folder", "--skip-port-probing"], { env, encoding: "utf8" });
  if (gen.status !== 0) throw new Error(`syncthing generate failed (${gen.status}): ${gen.stderr}${gen.stdout}`);
  const deviceId = /Device ID: ([A-Z0-9-]{63})/.exec(gen.stdout + gen.stderr)?.[1];
  if (!deviceId) throw new Error(`syncthing generate printed no device ID:\n${gen.stdout}${gen.stderr}`);

  const configFile = path.join(home, "config.xml");
  const generated = fs.readFileSync(configFile, "utf8");
  const apiKey = /<apikey>([^<]+)<\/apikey>/.exec(generated)?.[1];
  if (!apiKey) throw new Error("generated config.xml has no API key");
  const syncPort = await freePort();
  const guiPort = await freePort();
  fs.writeFileSync(configFile, loopbackConfig(generated, syncPort, guiPort, opts.reconnectIntervalS ?? 5));

  // --no-restart keeps a single process (no monitor parent), so the PID we hold is the one to kill.
  const child = spawn(SYNCTHING_BIN, ["serve", `--home=${home}`, "--no-browser", "--no-upgrade", "--no-restart"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const guiUrl = `http://127.0.0.1:${guiPort}`;
  async function rest<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
    const res = await fetch(guiUrl + urlPath, {
      method,
      headers: { "X-API-Key": apiKey!, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`syncthing ${method} ${urlPath}: HTTP ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (ownHome) fs.rmSync(home, { recursive: true, force: true });
  }

  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`syncthing exited with ${child.exitCode} before REST answered:\n${output}`);
    try {
      await rest("GET", "/rest/system/status");
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`syncthing REST did not answer within the timeout:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return {
    home,
    deviceId,
    apiKey,
    guiUrl,
    syncPort,
    syncAddress: `tcp://127.0.0.1:${syncPort}`,
    child,
    log: () => output,
    rest,
    async addDevice(id, address = "dynamic", name = "") {
      await rest("POST", "/rest/config/devices", { deviceID: id, name, addresses: [address] });
    },
    async addFolder(f) {
      const devices = [deviceId, ...(f.devices ?? []).filter((d) => d !== deviceId)].map((d) => ({ deviceID: d }));
      await rest("POST", "/rest/config/folders", {
        id: f.id,
        label: f.label ?? f.id,
        path: f.path,
        type: f.type ?? "sendreceive",
        devices,
        rescanIntervalS: f.rescanIntervalS ?? 3600,
        fsWatcherEnabled: f.fsWatcherEnabled ?? false,
        fsWatcherDelayS: f.fsWatcherDelayS ?? 1,
      });
    },
    pendingDevices: () => rest<Record<string, PendingDevice>>("GET", "/rest/cluster/pending/devices"),
    stop,
  };
}
