import type { z } from "zod";
import type { DrDeps } from "../deps";
import type { TaskSpec } from "../plans/types";

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Exit codes that count as success (0 always does). */
  okCodes?: number[];
  /** Called with each stdout line instead of logging it (for --json output). */
  onStdout?: (line: string) => void;
  /** Extra bytes to write to stdin, then close it. */
  stdin?: string;
}

export interface SpawnResult {
  code: number;
  stdout: string[];
}

/** What a task kind may use while it runs; the executor builds one per attempt. */
export interface TaskContext {
  deps: DrDeps;
  planId: string;
  runId: number;
  attemptId: number;
  task: TaskSpec;
  /** Aborted on cancel and on timeout: stop promptly, kill what you started. */
  signal: AbortSignal;
  log(line: string, stream?: "info" | "stdout" | "stderr" | "warn"): void;
  /** The value of a stored secret; it is masked in every log line from then on. */
  secret(name: string): string;
  /** Runs a tool in its own process group, streaming its output into the log; rejects on a failing exit. */
  spawn(argv: string[], options?: SpawnOptions): Promise<SpawnResult>;
  /** Records a copy a restore can start from (RPO is derived from these). */
  recoveryPoint(p: { subject: string; kind: string; location: string; ref?: string; verified?: boolean | null }): void;
  /** Outputs of tasks this one needs, by task id. */
  upstream: Record<string, unknown>;
}

/** One task kind: a zod schema for its `with` block and the code that runs it. */
export interface TaskKind<W extends z.ZodType = z.ZodType> {
  kind: string;
  with: W;
  run(ctx: TaskContext, args: z.infer<W>): Promise<unknown>;
}

export class TaskFailure extends Error {}

export const defineTask = <W extends z.ZodType>(k: TaskKind<W>): TaskKind<W> => k;
