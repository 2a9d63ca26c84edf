import path from "node:path";

export interface NodeOptions {
  home: string;
  gui: string | null; // host:port; null = from settings
  listen: string[] | null; // null = from settings
  discovery: boolean | null; // null = from settings
  adminPassword?: string;
  dev: boolean;
  /** false (--no-console / FERRY_CONSOLE=off): serve the API only, without Next (headless nodes, benchmarks). */
  console?: boolean;
}

export class UsageError extends Error {}

const HELP = `Usage: npm start -- [--home DIR] [--gui HOST:PORT] [--listen tcp://HOST:PORT[,…]] [--discovery=on|off]

  --home DIR         data directory (ferry.db, cert.pem, key.pem, apikey)   env FERRY_HOME, default ./data
  --gui HOST:PORT    console address                                         env FERRY_GUI, default 127.0.0.1:8484
  --listen ADDRS     sync listeners, comma separated                         env FERRY_LISTEN, default tcp://0.0.0.0:22100
  --discovery=off    turn local discovery (UDP 21027) off                    env FERRY_DISCOVERY
  --no-console       serve only the API (/api/trpc, /api/ws, /metrics), no web pages   env FERRY_CONSOLE=off
  FERRY_ADMIN_PASSWORD sets the admin password on first start instead of a random one.`;

function parseOnOff(value: string, name: string): boolean {
  if (/^(on|true|1|yes)$/i.test(value)) return true;
  if (/^(off|false|0|no)$/i.test(value)) return false;
  throw new UsageError(`${name}: expected on or off, got "${value}"`);
}

function checkHostPort(value: string, name: string): string {
  const v = value.replace(/^https?:\/\//, "");
  if (!/^(\[[0-9a-fA-F:]+\]|[^\s:/]+):\d{1,5}$/.test(v)) throw new UsageError(`${name}: expected HOST:PORT, got "${value}"`);
  return v;
}

function checkListen(value: string, name: string): string[] {
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const a of list)
    if (!/^tcp[46]?:\/\/(\[[0-9a-fA-F:]+\]|[^\s:/]+):\d{1,5}$/.test(a)) throw new UsageError(`${name}: expected tcp://HOST:PORT, got "${a}"`);
  if (!list.length) throw new UsageError(`${name}: no address given`);
  return list;
}

/** Flags win over environment variables, which win over stored settings (applied later). */
export type Env = Record<string, string | undefined>;

export function parseNodeOptions(argv: string[], env: Env): NodeOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") throw new UsageError(HELP);
    if (arg === "--no-console") {
      flags.set("console", "off");
      continue;
    }
    const m = /^--(home|gui|listen|discovery)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unknown argument "${arg}"\n\n${HELP}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${m[1]} needs a value`);
    flags.set(m[1], value);
  }
  const pick = (flag: string, envName: string) => flags.get(flag) ?? (env[envName] || undefined);
  const gui = pick("gui", "FERRY_GUI");
  const listen = pick("listen", "FERRY_LISTEN");
  const discovery = pick("discovery", "FERRY_DISCOVERY");
  const consoleFlag = pick("console", "FERRY_CONSOLE");
  return {
    home: path.resolve(pick("home", "FERRY_HOME") ?? "data"),
    gui: gui ? checkHostPort(gui, "--gui") : null,
    listen: listen ? checkListen(listen, "--listen") : null,
    discovery: discovery !== undefined ? parseOnOff(discovery, "--discovery") : null,
    adminPassword: env.FERRY_ADMIN_PASSWORD || undefined,
    dev: env.NODE_ENV === "development",
    console: consoleFlag !== undefined ? parseOnOff(consoleFlag, "--no-console / FERRY_CONSOLE") : true,
  };
}
