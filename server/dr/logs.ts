import type { Db } from "../db/connection";
import { runLogs } from "../db/schema";
import type { EventBus } from "../events/bus";
import { MIN_SECRET_LENGTH } from "./secrets";

export const LOG_CAP_BYTES = 256 * 1024;
const FLUSH_MS = 200;
const FLUSH_LINES = 200;

type Stream = "info" | "stdout" | "stderr" | "warn";

/**
 * The log of one attempt: each line is an ephemeral event at once (the console streams it) and a
 * row a little later (batched, one transaction per flush). Past the cap, lines are dropped with a
 * single note, so a chatty tool cannot fill the disk.
 */
export class AttemptLog {
  bytes = 0;
  private capped = false;
  private buffer: (typeof runLogs.$inferInsert)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly masks: string[] = [];

  constructor(
    private readonly db: Db,
    private readonly events: EventBus,
    private readonly ids: { runId: number; attemptId: number | null; taskId: string },
    private readonly cap = LOG_CAP_BYTES,
  ) {}

  /** Every later line has this value replaced by "***". */
  mask(value: string): void {
    if (value.length >= MIN_SECRET_LENGTH && !this.masks.includes(value)) this.masks.push(value);
  }

  /** text with every masked value replaced by "***" (log lines, and an attempt's error message). */
  redact(text: string): string {
    for (const m of this.masks) text = text.split(m).join("***");
    return text;
  }

  write(raw: string, stream: Stream = "info"): void {
    if (this.capped) return;
    let line = this.redact(raw.length > 8192 ? raw.slice(0, 8192) + "…" : raw);
    this.bytes += Buffer.byteLength(line) + 1;
    if (this.bytes > this.cap) {
      this.capped = true;
      line = `[log reached ${Math.round(this.cap / 1024)} KiB; further output is dropped]`;
      stream = "warn";
    }
    const time = Date.now();
    this.events.emit("task.log", { runId: this.ids.runId, attemptId: this.ids.attemptId, taskId: this.ids.taskId, stream, line, time });
    this.buffer.push({ runId: this.ids.runId, attemptId: this.ids.attemptId, time, stream, line });
    if (this.buffer.length >= FLUSH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.buffer.length) return;
    const rows = this.buffer;
    this.buffer = [];
    this.db.transaction((tx) => {
      for (const r of rows) tx.insert(runLogs).values(r).run();
    });
  }
}
