import { z } from "zod";
import { authedProcedure, router } from "../trpc";
import { service } from "../errors";
import { canonicalDeviceId } from "../../sync/config";

const ZAddress = z.string().regex(/^(dynamic|tcp[46]?:\/\/\S+:\d{1,5})$/, "expected tcp://host:port or dynamic");
const ZDeviceId = z.string().min(52).max(80);

export const devicesRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.rt.sync.status().devices),

  add: authedProcedure
    .input(z.object({ deviceId: ZDeviceId, name: z.string().max(64).optional(), addresses: z.array(ZAddress).max(16).optional(), introducer: z.boolean().optional() }))
    .mutation(({ ctx, input }) => service(() => ctx.rt.sync.addDevice(input, ctx.caller.actor))),

  update: authedProcedure
    .input(
      z.object({
        deviceId: ZDeviceId,
        name: z.string().max(64).optional(),
        addresses: z.array(ZAddress).max(16).optional(),
        introducer: z.boolean().optional(),
        paused: z.boolean().optional(),
        compression: z.enum(["metadata", "always", "never"]).optional(),
        maxSendKbps: z.number().int().min(0).optional(),
        maxRecvKbps: z.number().int().min(0).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { deviceId, ...patch } = input;
      return service(() => ctx.rt.sync.updateDevice(deviceId, patch, ctx.caller.actor));
    }),

  remove: authedProcedure.input(z.object({ deviceId: ZDeviceId })).mutation(({ ctx, input }) => service(() => ctx.rt.sync.removeDevice(input.deviceId, ctx.caller.actor))),

  /** Checks a device ID as the user types it: valid, or the reason it is not. */
  validateId: authedProcedure.input(z.object({ deviceId: z.string().max(100) })).query(({ ctx, input }) => {
    try {
      const canonical = canonicalDeviceId(input.deviceId);
      return { ok: true as const, deviceId: canonical, own: canonical === ctx.rt.identity.deviceId };
    } catch (err) {
      return { ok: false as const, reason: (err as Error).message };
    }
  }),

  pending: authedProcedure.query(({ ctx }) => ctx.rt.sync.config.listPending()),

  ignorePending: authedProcedure.input(z.object({ deviceId: ZDeviceId })).mutation(({ ctx, input }) => service(() => ctx.rt.sync.ignoreDevice(input.deviceId, ctx.caller.actor))),
});
