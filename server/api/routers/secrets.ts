import { z } from "zod";
import { recordAudit } from "../../db/audit";
import { getSmtp, setSmtp, ZSmtpSettings } from "../../dr/drivers/smtp";
import { service } from "../errors";
import { authedProcedure, router } from "../trpc";

/** Secrets go in and never come out: listings carry names and dates only. */
export const secretsRouter = router({
  list: authedProcedure.query(({ ctx }) => ctx.rt.dr.secrets.list()),

  set: authedProcedure.input(z.object({ name: z.string().min(1).max(64), value: z.string().min(1).max(64 * 1024) })).mutation(({ ctx, input }) =>
    service(() => {
      ctx.rt.dr.secrets.set(input.name, input.value);
      recordAudit(ctx.rt.db, ctx.caller.actor, "secret.set", { name: input.name });
      return { name: input.name };
    }),
  ),

  remove: authedProcedure.input(z.object({ name: z.string().min(1).max(64) })).mutation(({ ctx, input }) => {
    const removed = ctx.rt.dr.secrets.remove(input.name);
    if (removed) recordAudit(ctx.rt.db, ctx.caller.actor, "secret.remove", { name: input.name });
    return { removed };
  }),

  smtp: authedProcedure.query(({ ctx }) => getSmtp(ctx.rt.settings)),

  setSmtp: authedProcedure.input(ZSmtpSettings).mutation(({ ctx, input }) =>
    service(() => {
      const s = setSmtp(ctx.rt.settings, input);
      recordAudit(ctx.rt.db, ctx.caller.actor, "smtp.set", { host: s.host, port: s.port });
      return s;
    }),
  ),
});
