import { z } from "zod";
import { runSummary } from "../report";
import { defineTask, TaskFailure } from "./types";

/** POSTs a JSON summary of the run so far to a URL (chat hooks, incident tools). */
export default defineTask({
  kind: "notify.webhook",
  with: z.strictObject({
    url: z.url(),
    headers: z.record(z.string(), z.string()).default({}),
    /** Name of a secret sent as "Authorization: Bearer …". */
    token: z.string().optional(),
    text: z.string().optional(),
  }),
  async run(ctx, w) {
    const summary = runSummary(ctx.deps.db, ctx.runId);
    const headers: Record<string, string> = { "content-type": "application/json", ...w.headers };
    if (w.token) headers.authorization = `Bearer ${ctx.secret(w.token)}`;
    const res = await fetch(w.url, { method: "POST", headers, body: JSON.stringify({ ...summary, text: w.text ?? summary.title }), signal: ctx.signal });
    ctx.log(`POST ${w.url} → ${res.status}`);
    if (!res.ok) throw new TaskFailure(`${w.url} answered ${res.status}`);
    return { status: res.status };
  },
});
