import { z } from "zod";
import { OpenNebulaClient, ZOneEndpoint } from "../drivers/opennebula";
import { defineTask, TaskFailure } from "./types";

const ERROR_STATES: Record<number, string> = { 3: "ERROR", 5: "MONITORING_ERROR" };

/** Fails when any OpenNebula host is in ERROR (or MONITORING_ERROR), naming them. */
export default defineTask({
  kind: "check.opennebula",
  with: z.strictObject({ ...ZOneEndpoint }),
  async run(ctx, w) {
    const one = new OpenNebulaClient(w.endpoint, ctx.secret(w.credentials), ctx.signal);
    const hosts = await one.hosts();
    const bad = hosts.filter((h) => h.state in ERROR_STATES);
    ctx.log(`${hosts.length} host(s), ${bad.length} in error`);
    if (bad.length) throw new TaskFailure(`hosts in error: ${bad.map((h) => `${h.name} (#${h.id}, ${ERROR_STATES[h.state]})`).join(", ")}`);
    return { hosts: hosts.length };
  },
});
