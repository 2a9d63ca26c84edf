import { z } from "zod";
import { recordAudit } from "../../db/audit";
import type { Runtime } from "../../runtime";
import { ConfigError } from "../../sync/config";
import { service } from "../errors";
import { authedProcedure, router } from "../trpc";

const ZFolderId = z.string().min(1).max(64);

/** What this node last did about a folder's primary: the epoch counts promotions and failbacks. */
interface FailoverRecord {
  epoch: number;
  /** Device ID of the primary as this node knows it; "" = another device (this node is a replica). */
  primary: string;
  at: number;
  by: string;
  /** Measured time from the click to the folder accepting and announcing local changes. */
  rtoMs: number | null;
  action: "promote" | "failback";
}

const key = (folderId: string) => `dr.failover.${folderId}`;
const record = (rt: Runtime, folderId: string): FailoverRecord | null => (rt.settings.getRaw(key(folderId)) as FailoverRecord | undefined) ?? null;

/** Readiness of this node's replica to become primary: blockers stop Promote, warnings are shown. */
function readiness(rt: Runtime, folderId: string) {
  const status = rt.sync.status();
  const f = status.folders.find((x) => x.id === folderId);
  if (!f) throw new ConfigError(`no folder "${folderId}"`);
  const blockers: string[] = [];
  const warnings: string[] = [];
  if (f.type !== "receiveonly") blockers.push(`this node already writes to the folder (type ${f.type}); only a receive-only replica can be promoted`);
  if (f.paused) blockers.push("the folder is paused here");
  if (f.state === "error") blockers.push(`the folder has an error: ${f.error}`);
  if (f.need.items > 0) warnings.push(`${f.need.items} item(s) (${f.need.bytes} bytes) not yet received: promoting now loses them here`);
  const local = f.type === "receiveonly" ? rt.sync.localChanges(folderId).length : 0;
  if (local > 0) warnings.push(`${local} local change(s) on this replica will become real changes and reach the other devices`);
  const replicas = status.devices
    .filter((d) => f.devices.includes(d.deviceId))
    .map((d) => {
      const c = d.folders.find((x) => x.folderId === folderId);
      return { deviceId: d.deviceId, name: d.name, connected: d.connected, percent: c?.percent ?? 0, needItems: c?.needItems ?? 0, needBytes: c?.needBytes ?? 0 };
    });
  if (!replicas.some((r) => r.connected)) warnings.push("no other device sharing the folder is connected: the new primary cannot tell them yet");
  return { folder: { id: f.id, label: f.label, type: f.type, state: f.state, need: f.need }, replicas, blockers, warnings, ready: blockers.length === 0 };
}

async function waitIdle(rt: Runtime, folderId: string): Promise<void> {
  await rt.sync.rescan(folderId, { wait: true });
}

/**
 * Failover of one folder on this node: promote a receive-only replica to send-receive (the node
 * then announces its changes as the new primary), and fail back to receive-only. The epoch and the
 * measured RTO are kept per folder. Propagating the epoch to other Ferry nodes so an old primary
 * demotes itself belongs to the sync engine and is not done here.
 */
export const drFailoverRouter = router({
  list: authedProcedure.query(({ ctx }) => {
    const me = ctx.rt.identity.deviceId;
    return ctx.rt.sync.status().folders.map((f) => {
      const r = record(ctx.rt, f.id);
      const isPrimary = f.type !== "receiveonly";
      return { id: f.id, label: f.label, type: f.type, epoch: r?.epoch ?? 0, primary: isPrimary ? me : (r?.primary ?? ""), isPrimary, last: r };
    });
  }),

  readiness: authedProcedure.input(z.object({ folderId: ZFolderId })).query(({ ctx, input }) => service(() => ({ ...readiness(ctx.rt, input.folderId), record: record(ctx.rt, input.folderId) }))),

  /** The user types the folder ID to confirm; a mismatch is refused before anything changes. */
  promote: authedProcedure.input(z.object({ folderId: ZFolderId, confirm: z.string().max(64) })).mutation(({ ctx, input }) =>
    service(async () => {
      if (input.confirm !== input.folderId) throw new ConfigError(`type the folder ID "${input.folderId}" to confirm`);
      const check = readiness(ctx.rt, input.folderId);
      if (!check.ready) throw new ConfigError(`not ready to promote: ${check.blockers.join("; ")}`);
      const started = Date.now();
      const epoch = (record(ctx.rt, input.folderId)?.epoch ?? 0) + 1;
      await ctx.rt.sync.updateFolder(input.folderId, { type: "sendreceive" }, ctx.caller.actor);
      await waitIdle(ctx.rt, input.folderId);
      const rtoMs = Date.now() - started;
      const me = ctx.rt.identity.deviceId;
      const r: FailoverRecord = { epoch, primary: me, at: Date.now(), by: ctx.caller.actor, rtoMs, action: "promote" };
      ctx.rt.settings.setRaw(key(input.folderId), r);
      ctx.rt.events.emit("failover.promoted", { folderId: input.folderId, epoch, primary: me, by: ctx.caller.actor });
      recordAudit(ctx.rt.db, ctx.caller.actor, "failover.promote", { folderId: input.folderId, epoch, rtoMs, warnings: check.warnings });
      return r;
    }),
  ),

  /** Hands the primary role back: this node becomes a receive-only replica again. */
  failback: authedProcedure.input(z.object({ folderId: ZFolderId, confirm: z.string().max(64) })).mutation(({ ctx, input }) =>
    service(async () => {
      if (input.confirm !== input.folderId) throw new ConfigError(`type the folder ID "${input.folderId}" to confirm`);
      const f = ctx.rt.sync.config.folder(input.folderId);
      if (!f) throw new ConfigError(`no folder "${input.folderId}"`);
      if (f.type === "receiveonly") throw new ConfigError("this node is already a replica of the folder");
      const started = Date.now();
      const epoch = (record(ctx.rt, input.folderId)?.epoch ?? 0) + 1;
      await ctx.rt.sync.updateFolder(input.folderId, { type: "receiveonly" }, ctx.caller.actor);
      await waitIdle(ctx.rt, input.folderId);
      const r: FailoverRecord = { epoch, primary: "", at: Date.now(), by: ctx.caller.actor, rtoMs: Date.now() - started, action: "failback" };
      ctx.rt.settings.setRaw(key(input.folderId), r);
      ctx.rt.events.emit("failover.demoted", { folderId: input.folderId, epoch, primary: "", from: ctx.rt.identity.deviceId });
      recordAudit(ctx.rt.db, ctx.caller.actor, "failover.failback", { folderId: input.folderId, epoch });
      return r;
    }),
  ),
});
