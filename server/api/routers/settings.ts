import { ZNodeSettings } from "../../db/settings";
import { recordAudit } from "../../db/audit";
import { authedProcedure, router } from "../trpc";

export const settingsRouter = router({
  get: authedProcedure.query(({ ctx }) => ({
    stored: ctx.rt.settings.get(),
    // What this process actually uses; flags and environment variables win over stored settings.
    effective: ctx.rt.addresses,
  })),

  update: authedProcedure.input(ZNodeSettings.partial()).mutation(({ ctx, input }) => {
    const changed = ctx.rt.settings.update(input);
    if (changed.length) {
      ctx.rt.events.emit("settings.changed", { keys: changed, by: ctx.caller.actor });
      recordAudit(ctx.rt.db, ctx.caller.actor, "settings.update", { keys: changed });
    }
    const restartNeeded = changed.some((k) => k === "guiAddress" || k === "listenAddresses" || k === "localDiscovery");
    return { changed, restartNeeded };
  }),

  apiKey: authedProcedure.query(({ ctx }) => ({ apiKey: ctx.rt.auth.getApiKey() })),

  regenerateApiKey: authedProcedure.mutation(({ ctx }) => ({ apiKey: ctx.rt.auth.regenerateApiKey(ctx.caller.actor) })),
});
