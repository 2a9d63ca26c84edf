import { z } from "zod";
import { defineTask } from "./types";

/** Runs one command (argv, no shell unless you call one); a non-zero exit fails the task. */
export default defineTask({
  kind: "shell",
  with: z.strictObject({
    argv: z.array(z.string()).min(1, "argv needs at least the program"),
    env: z.record(z.string(), z.string()).default({}),
    /** Environment variables filled from secrets: { VAR: secretName }. */
    secretEnv: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    okCodes: z.array(z.number().int()).default([]),
  }),
  async run(ctx, w) {
    const env = { ...w.env, ...Object.fromEntries(Object.entries(w.secretEnv).map(([k, name]) => [k, ctx.secret(name)])) };
    const { code, stdout } = await ctx.spawn(w.argv, { env, cwd: w.cwd, okCodes: w.okCodes });
    return { code, lastLine: stdout.at(-1) ?? "" };
  },
});
