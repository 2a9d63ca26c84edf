import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Context } from "./context";

/** "field `name`: Too small…", one line per problem, so a script's author sees which field is wrong. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length ? issue.path.map(String).join(".") : "(input)";
      return `field \`${field}\`: ${issue.message}`;
    })
    .join("; ");
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      message: zod ? `Invalid input: ${describeZodError(zod)}` : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        fields: zod ? zod.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) : undefined,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Answers anyone. Only login and the health check use it; tests/unit/api/auth-coverage.test.ts enforces that. */
export const publicProcedure = t.procedure;

/** The only way a procedure learns who is calling: a session or the API key, checked once here. */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.caller) throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in or send the API key (X-API-Key)." });
  return next({ ctx: { ...ctx, caller: ctx.caller } });
});

/** Session-only actions (changing one's own password). */
export const sessionProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.caller.kind !== "session" || !ctx.caller.user)
    throw new TRPCError({ code: "FORBIDDEN", message: "This action needs a logged-in user, not the API key." });
  return next({ ctx: { ...ctx, user: ctx.caller.user } });
});
