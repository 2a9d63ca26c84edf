import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { AuthError, SESSION_COOKIE } from "../../auth/service";
import { MIN_PASSWORD_LENGTH } from "../../auth/passwords";
import { authedProcedure, publicProcedure, router, sessionProcedure } from "../trpc";
import type { Context } from "../context";

function toTrpc(err: unknown): never {
  if (err instanceof AuthError) {
    throw new TRPCError({ code: err.reason === "throttled" ? "TOO_MANY_REQUESTS" : err.reason === "weak_password" ? "BAD_REQUEST" : "UNAUTHORIZED", message: err.message });
  }
  throw err;
}

function setSessionCookie(ctx: Context, value: string, maxAgeS: number) {
  if (!ctx.res) throw new TRPCError({ code: "BAD_REQUEST", message: "Log in over HTTP, not over the WebSocket." });
  ctx.res.setHeader(
    "Set-Cookie",
    `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}`,
  );
}

export const authRouter = router({
  login: publicProcedure
    .input(z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }))
    .mutation(async ({ ctx, input }) => {
      const { token, user } = await ctx.rt.auth.login(input.username, input.password, ctx.remoteAddress).catch(toTrpc);
      setSessionCookie(ctx, token, 14 * 24 * 3600);
      return { username: user.username };
    }),

  logout: authedProcedure.mutation(({ ctx }) => {
    if (ctx.caller.kind === "session" && ctx.sessionToken && ctx.caller.user) {
      ctx.rt.auth.logout(ctx.sessionToken, ctx.caller.user.username);
      if (ctx.res) setSessionCookie(ctx, "", 0);
    }
    return { ok: true };
  }),

  me: authedProcedure.query(({ ctx }) => ({
    username: ctx.caller.user?.username ?? null,
    via: ctx.caller.kind,
  })),

  changePassword: sessionProcedure
    .input(z.object({ current: z.string().min(1), next: z.string().min(MIN_PASSWORD_LENGTH).max(1024) }))
    .mutation(async ({ ctx, input }) => {
      await ctx.rt.auth.changePassword(ctx.user, input.current, input.next, ctx.sessionToken ?? undefined).catch(toTrpc);
      return { ok: true };
    }),
});
