import http from "node:http";
import { XMLParser } from "fast-xml-parser";

/**
 * An OpenNebula simulator: a small XML-RPC server implementing the documented methods Ferry calls
 * (reference/dr.md §2): one.vm.info, one.vm.snapshotcreate, one.vm.snapshotrevert,
 * one.hostpool.info, one.system.version. Asynchronous actions hold the VM in LCM_STATE 24
 * (HOTPLUG_SNAPSHOT) for `actionMs`, as oned does, so clients must poll.
 */
export interface SimVm {
  id: number;
  name: string;
  state: number;
  lcmState: number;
  snapshots: { id: number; name: string; time: number }[];
  /** What the VM "contains"; a revert brings back what it was at the snapshot. */
  content: string;
  snapshotContent: Map<number, string>;
  failNextAction?: boolean;
}

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === "param" });
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function reply(ok: boolean, result: string | number, code = 0): string {
  const value = typeof result === "number" ? `<i4>${result}</i4>` : `<string>${esc(result)}</string>`;
  return `<?xml version="1.0"?><methodResponse><params><param><value><array><data><value><boolean>${ok ? 1 : 0}</boolean></value><value>${value}</value><value><i4>${code}</i4></value></data></array></value></param></params></methodResponse>`;
}

function paramValue(p: { value: unknown }): string | number | boolean {
  const v = p.value as Record<string, unknown> | string;
  if (typeof v === "string") return v;
  if ("string" in v) return String(v.string ?? "");
  if ("int" in v) return Number(v.int);
  if ("i4" in v) return Number(v.i4);
  if ("boolean" in v) return String(v.boolean) === "1";
  return "";
}

export async function startOpenNebulaSimulator(opts: { session?: string; actionMs?: number } = {}) {
  const session = opts.session ?? "oneadmin:opennebula";
  const actionMs = opts.actionMs ?? 300;
  const vms = new Map<number, SimVm>();
  const hosts: { id: number; name: string; state: number }[] = [
    { id: 0, name: "kvm-a", state: 2 },
    { id: 1, name: "kvm-b", state: 2 },
  ];
  const calls: string[] = [];
  const addVm = (id: number, name: string, content: string) => {
    const vm: SimVm = { id, name, state: 3, lcmState: 3, snapshots: [], content, snapshotContent: new Map() };
    vms.set(id, vm);
    return vm;
  };

  const vmXml = (vm: SimVm) =>
    `<VM><ID>${vm.id}</ID><NAME>${esc(vm.name)}</NAME><STATE>${vm.state}</STATE><LCM_STATE>${vm.lcmState}</LCM_STATE><TEMPLATE>${vm.snapshots
      .map((s) => `<SNAPSHOT><SNAPSHOT_ID>${s.id}</SNAPSHOT_ID><NAME>${esc(s.name)}</NAME><TIME>${Math.floor(s.time / 1000)}</TIME></SNAPSHOT>`)
      .join("")}</TEMPLATE></VM>`;

  const asyncAction = (vm: SimVm, done: () => void) => {
    vm.lcmState = 24;
    setTimeout(() => {
      if (vm.failNextAction) {
        vm.failNextAction = false;
        vm.lcmState = 36; // a "fail" state
        return;
      }
      done();
      vm.lcmState = 3;
    }, actionMs);
  };

  function handle(method: string, params: (string | number | boolean)[]): string {
    calls.push(method);
    if (params[0] !== session) return reply(false, "[" + method + "] User couldn't be authenticated, aborting call.", 0x100);
    const vm = typeof params[1] === "number" ? vms.get(params[1]) : undefined;
    switch (method) {
      case "one.system.version":
        return reply(true, "6.10.0");
      case "one.hostpool.info":
        return reply(true, `<HOST_POOL>${hosts.map((h) => `<HOST><ID>${h.id}</ID><NAME>${h.name}</NAME><STATE>${h.state}</STATE></HOST>`).join("")}</HOST_POOL>`);
      case "one.vm.info":
        return vm ? reply(true, vmXml(vm)) : reply(false, `[one.vm.info] Error getting virtual machine [${params[1]}].`, 0x400, );
      case "one.vm.snapshotcreate": {
        if (!vm) return reply(false, `[one.vm.snapshotcreate] Error getting virtual machine [${params[1]}].`, 0x400);
        if (vm.lcmState !== 3) return reply(false, "[one.vm.snapshotcreate] Wrong state to perform action", 0x800);
        const id = vm.snapshots.length ? vm.snapshots.at(-1)!.id + 1 : 0;
        asyncAction(vm, () => {
          vm.snapshots.push({ id, name: String(params[2] || `snapshot-${id}`), time: Date.now() });
          vm.snapshotContent.set(id, vm.content);
        });
        return reply(true, id);
      }
      case "one.vm.snapshotrevert": {
        if (!vm) return reply(false, `[one.vm.snapshotrevert] Error getting virtual machine [${params[1]}].`, 0x400);
        const snap = vm.snapshots.find((s) => s.id === params[2]);
        if (!snap) return reply(false, "[one.vm.snapshotrevert] Snapshot does not exist", 0x800);
        asyncAction(vm, () => (vm.content = vm.snapshotContent.get(snap.id)!));
        return reply(true, vm.id);
      }
      default:
        return reply(false, `[${method}] method not implemented by the simulator`, 0x1000);
    }
  }

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const doc = parser.parse(body);
      const method = String(doc.methodCall?.methodName ?? "");
      const params = ((doc.methodCall?.params?.param ?? []) as { value: unknown }[]).map(paramValue);
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(handle(method, params));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { endpoint: `http://127.0.0.1:${port}/RPC2`, session, vms, hosts, calls, addVm, close: () => new Promise<void>((r) => server.close(() => r())) };
}
