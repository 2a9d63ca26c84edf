import type { Runtime } from "./runtime";

/** Prometheus text exposition of the node's counters; later features append their gauges here. */
export function renderMetrics(rt: Runtime): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, value: number, labels = "") => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}${labels} ${value}`);
  };
  gauge("ferry_info", "Node identity and version.", 1, `{device_id="${rt.identity.deviceId}",version="${rt.version}"}`);
  gauge("ferry_uptime_seconds", "Seconds since the node started.", Math.round((Date.now() - rt.startedAt) / 1000));
  gauge("ferry_events_last_id", "Id of the newest event on the bus.", rt.events.lastId);
  const mem = process.memoryUsage();
  gauge("ferry_process_resident_memory_bytes", "Resident set size.", mem.rss);
  gauge("ferry_process_heap_used_bytes", "V8 heap in use.", mem.heapUsed);
  return lines.join("\n") + "\n";
}
