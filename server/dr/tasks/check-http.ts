import { z } from "zod";
import { defineTask, TaskFailure } from "./types";

/** Probes a URL: the status must be the expected one and, if given, the body must contain a text. */
export default defineTask({
  kind: "check.http",
  with: z.strictObject({
    url: z.url(),
    method: z.enum(["GET", "HEAD", "POST"]).default("GET"),
    status: z.number().int().min(100).max(599).default(200),
    contains: z.string().optional(),
    headers: z.record(z.string(), z.string()).default({}),
  }),
  async run(ctx, w) {
    const started = Date.now();
    const res = await fetch(w.url, { method: w.method, headers: w.headers, signal: ctx.signal, redirect: "manual" });
    const body = w.method === "HEAD" ? "" : await res.text();
    const ms = Date.now() - started;
    ctx.log(`${w.method} ${w.url} → ${res.status} in ${ms} ms`);
    if (res.status !== w.status) throw new TaskFailure(`${w.url} answered ${res.status}, expected ${w.status}`);
    if (w.contains && !body.includes(w.contains)) throw new TaskFailure(`${w.url} answered without "${w.contains}"`);
    return { status: res.status, ms };
  },
});
