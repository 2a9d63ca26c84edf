/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: "wall" values are the local
 * date and time written as if they were UTC milliseconds, so plain arithmetic on them is calendar
 * arithmetic, and offset(u) = wall(u) − u.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

export function isValidZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall clock of instant `utc` in `zone`, to the second. */
export function wallOf(utc: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(utc))) if (part.type !== "literal") p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

const offsetAt = (utc: number, zone: string) => wallOf(utc, zone) - Math.floor(utc / 1000) * 1000;

/**
 * The instant a wall-clock time names: the first one when the time is repeated (autumn), and the
 * moment the clocks jump when it does not exist (spring), i.e. the next valid minute.
 */
export function instantOf(wall: number, zone: string): number {
  const before = offsetAt(wall - 86_400_000, zone);
  const after = offsetAt(wall + 86_400_000, zone);
  const candidates = [wall - before, wall - after].filter((u) => wallOf(u, zone) === wall);
  if (candidates.length) return Math.min(...candidates);
  // In a gap: the transition lies between these two instants; find its first second.
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (offsetAt(mid, zone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}
