import { ConfigError } from "../../sync/config";

export const TRIGGERS = ["all_success", "all_done", "one_failed", "none_failed"] as const;
export type TriggerRule = (typeof TRIGGERS)[number];
export const OVERLAPS = ["skip", "queue"] as const;
export type OverlapPolicy = (typeof OVERLAPS)[number];

/** One node of a plan's graph, after validation: durations in ms, defaults filled in. */
export interface TaskSpec {
  id: string;
  kind: string;
  needs: string[];
  trigger: TriggerRule;
  with: Record<string, unknown>;
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
}

/** A validated plan. `schedule` null means manual only. */
export interface Plan {
  id: string;
  description: string;
  schedule: string | null;
  timezone: string;
  overlap: OverlapPolicy;
  catchupMs: number;
  /** Target RPO for the copies this plan makes; null = none set. */
  rpoTargetMs: number | null;
  /** Tasks of one run that may run at the same time. */
  parallel: number;
  params: Record<string, string>;
  tasks: TaskSpec[];
}

export interface PlanIssue {
  line: number | null;
  field: string;
  message: string;
}

/** A plan that cannot be applied; the message lists every problem as "line N, field: what". */
export class PlanError extends ConfigError {
  constructor(readonly issues: PlanIssue[], source = "plan") {
    super(`${source} is not valid:\n` + issues.map((i) => `  ${i.line ? `line ${i.line}, ` : ""}${i.field || "(plan)"}: ${i.message}`).join("\n"));
  }
}
