import { tracked } from "@trpc/server";
import { z } from "zod";
import type { Runtime } from "../../runtime";
import { authedProcedure, publicProcedure, router } from "../trpc";

/** What `ferry status` and the dashboard show about the node itself. */
export function nodeStatus(rt: Runtime) {
  return {
    deviceId: rt.identity.deviceId,
    deviceName: rt.settings.get().deviceName,
    version: rt.version,
    startedAt: rt.startedAt,
    uptimeS: Math.round((Date.now() - rt.startedAt) / 1000),
    home: rt.home,
    addresses: rt.addresses,
    lastEventId: rt.events.lastId,
    sync: rt.sync.status(),
  };
}

export const systemRouter = router({
  /** Liveness for scripts and probes; says nothing about the node beyond "up". */
  health: publicProcedure.query(() => ({ ok: true })),

  status: authedProcedure.query(({ ctx }) => nodeStatus(ctx.rt)),

  /** The newest events, for a page's first paint; the subscription below carries what follows. */
  recentEvents: authedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500) }).optional())
    .query(({ ctx, input }) => ctx.rt.events.recent(input?.limit ?? 50)),

  /**
   * Live events. Each is `tracked` with its id, so a client that reconnects sends lastEventId and
   * gets exactly the events it missed, then the live ones.
   */
  events: authedProcedure
    .input(
      z
        .object({ lastEventId: z.coerce.number().int().min(0).nullish(), types: z.array(z.string().max(64)).max(64).optional() })
        .optional(),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const wanted = input?.types?.length ? new Set(input.types) : null;
      let dirty = false;
      let wake: (() => void) | null = null;
      const unsubscribe = ctx.rt.events.subscribe(() => {
        dirty = true;
        wake?.();
      });
      const aborted = new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
      try {
        let last = input?.lastEventId ?? ctx.rt.events.lastId;
        while (!signal?.aborted) {
          dirty = false;
          // The bus keeps recent events in memory and the rest in the log, so reading from it after
          // a wake-up never skips an event, however many arrived at once.
          const batch = ctx.rt.events.since(last, 500);
          for (const e of batch) {
            last = e.id;
            if (!wanted || wanted.has(e.type)) yield tracked(String(e.id), e);
          }
          if (batch.length || dirty) continue;
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
          wake = null;
        }
      } finally {
        unsubscribe();
      }
    }),
});
