import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { z } from "zod";

/**
 * A minimal OpenNebula XML-RPC client (dr.md §2): every call sends the session string
 * "user:password" first and gets back [ok, result | error, code]. Only the methods Ferry uses.
 */
export type XmlRpcValue = string | number | boolean;

export class OpenNebulaError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const ERROR_NAMES: Record<number, string> = { 0x100: "AUTHENTICATION", 0x200: "AUTHORIZATION", 0x400: "NO_EXISTS", 0x800: "ACTION", 0x1000: "XML_RPC_API", 0x2000: "INTERNAL", 0x4000: "ALLOCATE", 0x8000: "LOCKED" };

const builder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });
const rpcParser = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => name === "value" || name === "param" });
const docParser = new XMLParser({ parseTagValue: false, isArray: (name) => ["SNAPSHOT", "HOST", "VM"].includes(name) });

function encode(v: XmlRpcValue): Record<string, unknown> {
  if (typeof v === "boolean") return { boolean: v ? 1 : 0 };
  if (typeof v === "number") return Number.isInteger(v) ? { int: v } : { double: v };
  return { string: v };
}

function decode(v: Record<string, unknown> | string): unknown {
  if (typeof v === "string") return v;
  if ("boolean" in v) return String(v.boolean) === "1";
  for (const k of ["int", "i4", "i8"]) if (k in v) return Number(v[k]);
  if ("double" in v) return Number(v.double);
  if ("string" in v) return String(v.string ?? "");
  if ("array" in v) {
    const data = (v.array as { data?: { value?: (Record<string, unknown> | string)[] } }).data;
    return (data?.value ?? []).map(decode);
  }
  return "";
}

export const ZOneEndpoint = {
  /** http://front-end:2633/RPC2 */
  endpoint: z.url(),
  /** Name of the secret holding "user:password" (or "user:token"). */
  credentials: z.string().min(1).default("opennebula"),
};

export class OpenNebulaClient {
  constructor(
    private readonly endpoint: string,
    private readonly session: string,
    private readonly signal?: AbortSignal,
  ) {}

  async call(method: string, ...params: XmlRpcValue[]): Promise<unknown> {
    const body =
      '<?xml version="1.0"?>' +
      builder.build({ methodCall: { methodName: method, params: { param: [this.session, ...params].map((p) => ({ value: encode(p) })) } } });
    const res = await fetch(this.endpoint, { method: "POST", headers: { "content-type": "text/xml" }, body, signal: this.signal });
    if (!res.ok) throw new OpenNebulaError(`${method}: HTTP ${res.status} from ${this.endpoint}`, -1);
    const doc = rpcParser.parse(await res.text());
    const fault = doc.methodResponse?.fault;
    if (fault) throw new OpenNebulaError(`${method}: XML-RPC fault`, -1);
    const reply = decode(doc.methodResponse?.params?.param?.[0]?.value?.[0] ?? "") as unknown[];
    if (!Array.isArray(reply)) throw new OpenNebulaError(`${method}: unexpected reply`, -1);
    const [ok, result, code] = reply as [boolean, unknown, number];
    if (!ok) throw new OpenNebulaError(`${method}: ${ERROR_NAMES[code] ?? `error ${code}`}: ${String(result)}`, code);
    return result;
  }

  async vmInfo(id: number): Promise<VmInfo> {
    const xml = String(await this.call("one.vm.info", id));
    const vm = docParser.parse(xml).VM?.[0] ?? {};
    const snaps = (vm.TEMPLATE?.SNAPSHOT ?? []) as { SNAPSHOT_ID: string; NAME: string; TIME: string }[];
    return {
      id: Number(vm.ID),
      name: String(vm.NAME ?? ""),
      state: Number(vm.STATE),
      lcmState: Number(vm.LCM_STATE),
      snapshots: snaps.map((s) => ({ id: Number(s.SNAPSHOT_ID), name: String(s.NAME ?? ""), time: Number(s.TIME) * 1000 })),
    };
  }

  async hosts(): Promise<{ id: number; name: string; state: number }[]> {
    const xml = String(await this.call("one.hostpool.info"));
    const hosts = (docParser.parse(xml).HOST_POOL?.HOST ?? []) as { ID: string; NAME: string; STATE: string }[];
    return hosts.map((h) => ({ id: Number(h.ID), name: String(h.NAME), state: Number(h.STATE) }));
  }
}

export interface VmInfo {
  id: number;
  name: string;
  state: number;
  lcmState: number;
  snapshots: { id: number; name: string; time: number }[];
}

/** LCM states that mean the last action failed (dr.md §2.3: the "fail" short state). */
const FAILED_LCM = new Set([36, 37, 38, 39, 40, 41, 42, 44, 46, 47, 48, 49, 50, 61]);
/** ACTIVE/RUNNING, or a settled non-active state (POWEROFF, SUSPENDED, UNDEPLOYED). */
const settled = (vm: VmInfo) => (vm.state === 3 && vm.lcmState === 3) || [5, 8, 9].includes(vm.state);

/** Polls one.vm.info until the VM has left the transient state an asynchronous action put it in. */
export async function waitForVm(one: OpenNebulaClient, id: number, opts: { intervalMs: number; signal: AbortSignal; log: (l: string) => void }): Promise<VmInfo> {
  let last = "";
  for (;;) {
    const vm = await one.vmInfo(id);
    const now = `STATE=${vm.state} LCM_STATE=${vm.lcmState}`;
    if (now !== last) opts.log(`VM ${id}: ${now}`);
    last = now;
    if (vm.state === 3 && FAILED_LCM.has(vm.lcmState)) throw new OpenNebulaError(`VM ${id} went to a failure state (LCM_STATE ${vm.lcmState})`, -1);
    if (vm.state === 6) throw new OpenNebulaError(`VM ${id} is DONE (terminated)`, -1);
    if (settled(vm)) return vm;
    await new Promise((r) => setTimeout(r, opts.intervalMs));
    if (opts.signal.aborted) throw opts.signal.reason;
  }
}
