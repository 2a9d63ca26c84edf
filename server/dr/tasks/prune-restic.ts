import { z } from "zod";
import { resticCommand, resticEnv, ZResticRepo } from "../drivers/restic";
import { defineTask, TaskFailure } from "./types";

const keep = z.number().int().min(0).max(10_000).optional();

/** Applies a retention policy (`restic forget --prune`); snapshots Ferry made for other plans are left alone. */
export default defineTask({
  kind: "prune.restic",
  with: z.strictObject({
    ...ZResticRepo,
    keepLast: keep,
    keepDaily: keep,
    keepWeekly: keep,
    keepMonthly: keep,
    /** Only snapshots with this tag are considered; default: the ones this plan made. */
    tag: z.string().optional(),
  }),
  async run(ctx, w) {
    const flags: string[] = [];
    for (const [name, v] of [["last", w.keepLast], ["daily", w.keepDaily], ["weekly", w.keepWeekly], ["monthly", w.keepMonthly]] as const)
      if (v !== undefined) flags.push(`--keep-${name}`, String(v));
    if (!flags.length) throw new TaskFailure("set at least one of keepLast, keepDaily, keepWeekly, keepMonthly");
    const env = resticEnv(ctx, w);
    let removed = 0;
    await ctx.spawn([...resticCommand(w), "forget", "--prune", "--json", "--tag", w.tag ?? `plan:${ctx.planId}`, ...flags], {
      env,
      onStdout: (line) => {
        // The forget report is one JSON array; prune's own progress lines start with "[0:00]" too.
        let groups: { remove?: unknown[] | null }[] | null = null;
        try {
          if (line.startsWith("[{")) groups = JSON.parse(line) as { remove?: unknown[] | null }[];
        } catch {
          groups = null;
        }
        if (!groups) return ctx.log(line, "stdout");
        for (const group of groups) removed += group.remove?.length ?? 0;
      },
    });
    ctx.log(`removed ${removed} snapshot(s)`);
    return { removed };
  },
});
