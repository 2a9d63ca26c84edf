// `npm run demo`: three Ferry nodes on this machine, already paired and sharing a folder with
// sample files. Node 1 is the primary (send & receive); nodes 2 and 3 are receive-only replicas.
// Everything listens on 127.0.0.1 with discovery off. Ctrl-C stops all three.
//
//   FERRY_DEMO_DIR=/path   keep the nodes' homes there (default: a fresh temporary directory)
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const GUI_PORTS = [8484, 8485, 8486];
const SYNC_PORTS = [22101, 22102, 22103];
const FOLDER = { id: "demo", label: "Demo documents" };

interface DemoNode {
  n: number;
  home: string;
  folder: string;
  url: string;
  listen: string;
  password: string;
  child: ChildProcess;
  deviceId: string;
  apiKey: string;
  output: string;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

function startNode(n: number, base: string): Promise<DemoNode> {
  const home = path.join(base, `node${n}`);
  fs.mkdirSync(home, { recursive: true });
  const passwordFile = path.join(home, "demo-password");
  // Reusing a home keeps its admin account, so keep its password too.
  const password = fs.existsSync(passwordFile) ? fs.readFileSync(passwordFile, "utf8").trim() : randomBytes(9).toString("base64url");
  fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  const gui = GUI_PORTS[n - 1];
  const listen = `tcp://127.0.0.1:${SYNC_PORTS[n - 1]}`;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      FERRY_HOME: home,
      FERRY_GUI: `127.0.0.1:${gui}`,
      FERRY_LISTEN: listen,
      FERRY_DISCOVERY: "off",
      FERRY_ADMIN_PASSWORD: password,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const node = { n, home, folder: path.join(base, `folder${n}`), url: `http://127.0.0.1:${gui}`, listen, password, child, deviceId: "", apiKey: "", output: "" };
  return new Promise((resolve, reject) => {
    // Keep reading both pipes for the node's whole life (a full pipe would block it), holding only
    // the tail for an error report.
    const keep = (d: Buffer) => (node.output = (node.output + d).slice(-20_000));
    child.stdout!.on("data", (d: Buffer) => {
      keep(d);
      const id = /device ID ([A-Z0-9-]{63})/.exec(node.output);
      if (!node.deviceId && id && /ready: console on/.test(node.output)) {
        node.deviceId = id[1];
        node.apiKey = fs.readFileSync(path.join(home, "apikey"), "utf8").trim();
        resolve(node);
      }
    });
    child.stderr!.on("data", keep);
    child.once("exit", (code) => reject(new Error(`node ${n} exited with ${code} before it was ready:\n${node.output}`)));
  });
}

async function api<T = unknown>(node: DemoNode, proc: string, input?: unknown, kind: "query" | "mutation" = "mutation"): Promise<T> {
  const url = new URL(`/api/trpc/${proc}`, node.url);
  const init: RequestInit = { headers: { "x-api-key": node.apiKey, "content-type": "application/json" } };
  if (kind === "query") {
    if (input !== undefined) url.searchParams.set("input", JSON.stringify(input));
  } else {
    init.method = "POST";
    init.body = JSON.stringify(input ?? null);
  }
  const body = (await (await fetch(url, init)).json()) as { result?: { data: T }; error?: { message: string } };
  if (body.error) throw new Error(`node ${node.n} ${proc}: ${body.error.message}`);
  return body.result!.data;
}

/** Tolerates "already configured" so a demo directory can be started again. */
async function idempotent(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (!/already/.test((err as Error).message)) throw err;
  }
}

function writeSamples(dir: string) {
  const files: Record<string, string> = {
    "README.md": "# Demo documents\n\nEdit a file here on node 1 and watch it reach nodes 2 and 3.\nEdit one on a replica and see it listed under Local changes, ready to revert.\n",
    "notes/meeting-2026-11-20.md": "Attendees: ops, storage\n\n- move backups to the new site\n- test failover in December\n",
    "notes/todo.txt": "renew TLS certificates\ncheck restic repository size\nrotate API keys\n",
    "reports/capacity.csv": "site,used_gb,free_gb\nmain,812,1188\nreplica,806,1194\n",
    "reports/incidents.txt": "2026-10-02 disk full on replica (fixed)\n2026-11-11 link flap, 3 min\n",
  };
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, text);
  }
}

async function main() {
  for (const port of [...GUI_PORTS, ...SYNC_PORTS])
    if (!(await portFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use; the demo needs ${GUI_PORTS.join(", ")} and ${SYNC_PORTS.join(", ")}`);
  const base = process.env.FERRY_DEMO_DIR ? path.resolve(process.env.FERRY_DEMO_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), "ferry-demo-"));
  console.log(`demo: homes and folders in ${base}`);

  const nodes: DemoNode[] = [];
  const stop = async () => {
    await Promise.all(
      nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            if (n.child.exitCode !== null) return resolve();
            n.child.once("exit", () => resolve());
            n.child.kill("SIGTERM");
          }),
      ),
    );
  };
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log("\ndemo: stopping the three nodes…");
      void stop().then(() => process.exit(0));
    });

  try {
    // Node 1 first: it builds the console if needed, and the other two then reuse that build.
    console.log("demo: starting node 1 (the first start builds the console, which takes a minute)…");
    nodes.push(await startNode(1, base));
    console.log("demo: starting nodes 2 and 3…");
    nodes.push(...(await Promise.all([startNode(2, base), startNode(3, base)])));
    const [primary, ...replicas] = nodes;

    await api(primary, "settings.update", { deviceName: "node1-primary" });
    for (const r of replicas) await api(r, "settings.update", { deviceName: `node${r.n}-replica` });
    for (const r of replicas) {
      await idempotent(api(primary, "devices.add", { deviceId: r.deviceId, name: `node${r.n}-replica`, addresses: [r.listen] }));
      await idempotent(api(r, "devices.add", { deviceId: primary.deviceId, name: "node1-primary", addresses: [primary.listen] }));
    }
    writeSamples(primary.folder);
    await idempotent(api(primary, "folders.add", { id: FOLDER.id, label: FOLDER.label, path: primary.folder, type: "sendreceive", devices: replicas.map((r) => r.deviceId) }));
    for (const r of replicas)
      await idempotent(api(r, "folders.add", { id: FOLDER.id, label: FOLDER.label, path: r.folder, type: "receiveonly", devices: [primary.deviceId] }));

    console.log("\nFerry demo is running. Log in as admin:\n");
    for (const n of nodes) console.log(`  node ${n.n} (${n.n === 1 ? "primary, send & receive" : "replica, receive only"})  ${n.url}  password ${n.password}  folder ${n.folder}`);
    console.log("\nCtrl-C stops all three.");
    for (const n of nodes)
      n.child.once("exit", (code) => {
        if (stopping) return;
        console.error(`demo: node ${n.n} exited (${code}); stopping the others.\n${n.output.split("\n").slice(-20).join("\n")}`);
        stopping = true;
        void stop().then(() => process.exit(1));
      });
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
    await stop();
    process.exit(1);
  }
}

void main();
