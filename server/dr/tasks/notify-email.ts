import { z } from "zod";
import { getSmtp, sendMail } from "../drivers/smtp";
import { runSummary } from "../report";
import { defineTask, TaskFailure } from "./types";

/** Mails a summary of the run so far (which tasks failed, their errors) through the SMTP settings. */
export default defineTask({
  kind: "notify.email",
  with: z.strictObject({
    to: z.union([z.email(), z.array(z.email()).min(1)]),
    subject: z.string().optional(),
    text: z.string().optional(),
  }),
  async run(ctx, w) {
    const smtp = getSmtp(ctx.deps.settings);
    if (!smtp) throw new TaskFailure("no SMTP settings (Settings → DR → Email)");
    const summary = runSummary(ctx.deps.db, ctx.runId);
    const to = Array.isArray(w.to) ? w.to : [w.to];
    const password = smtp.passwordSecret ? ctx.secret(smtp.passwordSecret) : null;
    const id = await sendMail(smtp, password, { to, subject: w.subject ?? summary.title, text: (w.text ? w.text + "\n\n" : "") + summary.text });
    ctx.log(`mail ${id} sent to ${to.join(", ")} via ${smtp.host}:${smtp.port}`);
    return { to, messageId: id };
  },
});
