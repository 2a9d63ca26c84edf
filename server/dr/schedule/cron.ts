import { instantOf, wallOf } from "./zone";


/**
 * Five-field cron (minute hour day-of-month month day-of-week; an optional sixth, leading field is seconds) with names (JAN, MON), ranges,
 * lists, steps, `L` (last day of the month) and `DOW#n` (n-th weekday of the month), plus the
 * presets. Evaluated on the plan's wall clock: see instantOf() for the daylight-saving rules.
 */
export const PRESETS: Record<string, string> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

export class CronError extends Error {}

export interface Cron {
  source: string;
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  lastDay: boolean;
  months: Set<number>;
  weekdays: Set<number>;
  nthWeekdays: { weekday: number; n: number }[];
  dayRestricted: boolean;
  weekdayRestricted: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function value(text: string, field: string, min: number, max: number, names?: string[], base = 0): number {
  const named = names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + base : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new CronError(`${field}: "${text}" is not a value between ${min} and ${max}`);
  return n;
}

function field(text: string, name: string, min: number, max: number, names?: string[], base = 0): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(`${name}: cannot read "${part}"`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw new CronError(`${name}: step must be at least 1`);
    let lo: number;
    let hi: number;
    if (m[1] === "*") [lo, hi] = [min, max];
    else if (m[1].includes("-")) {
      const [a, b] = m[1].split("-");
      [lo, hi] = [value(a, name, min, max, names, base), value(b, name, min, max, names, base)];
      if (lo > hi) throw new CronError(`${name}: range "${m[1]}" runs backwards`);
    } else {
      lo = value(m[1], name, min, max, names, base);
      hi = m[2] === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expression: string): Cron {
  const source = PRESETS[expression.trim().toLowerCase()] ?? expression.trim();
  if (source.startsWith("@")) throw new CronError(`unknown preset "${expression}"; use ${Object.keys(PRESETS).join(", ")} or five cron fields`);
  const parts = source.split(/\s+/);
  // Six fields put seconds first (as croner and Quartz do); five are classic cron at second 0.
  if (parts.length !== 5 && parts.length !== 6) throw new CronError(`expected five fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const seconds = parts.length === 6 ? field(parts.shift()!, "second", 0, 59) : new Set([0]);
  const [mi, ho, dom, mo, dow] = parts;
  const lastDay = dom.toUpperCase() === "L";
  const nthWeekdays: { weekday: number; n: number }[] = [];
  let weekdays = new Set<number>();
  for (const part of dow.split(",")) {
    const nth = /^([A-Za-z]+|\d)#([1-5])$/.exec(part);
    if (nth) nthWeekdays.push({ weekday: value(nth[1], "day-of-week", 0, 7, DAYS) % 7, n: Number(nth[2]) });
    else for (const d of field(part, "day-of-week", 0, 7, DAYS)) weekdays.add(d % 7);
  }
  if (dow === "*") weekdays = new Set([0, 1, 2, 3, 4, 5, 6]);
  return {
    source,
    seconds,
    minutes: field(mi, "minute", 0, 59),
    hours: field(ho, "hour", 0, 23),
    days: lastDay ? new Set() : field(dom, "day-of-month", 1, 31),
    lastDay,
    months: field(mo, "month", 1, 12, MONTHS, 1),
    weekdays,
    nthWeekdays,
    dayRestricted: dom !== "*",
    weekdayRestricted: dow !== "*",
  };
}

function dayMatches(c: Cron, wallDay: Date): boolean {
  const day = wallDay.getUTCDate();
  const weekday = wallDay.getUTCDay();
  const daysInMonth = new Date(Date.UTC(wallDay.getUTCFullYear(), wallDay.getUTCMonth() + 1, 0)).getUTCDate();
  const domOk = c.lastDay ? day === daysInMonth : c.days.has(day);
  const dowOk = c.weekdays.has(weekday) || c.nthWeekdays.some((x) => x.weekday === weekday && Math.ceil(day / 7) === x.n);
  // Vixie cron: when both fields are restricted, either may match.
  if (c.dayRestricted && c.weekdayRestricted) return domOk || dowOk;
  if (c.dayRestricted) return domOk;
  return dowOk;
}

const DAY = 86_400_000;

/** The first tick strictly after `after` (ms), on the wall clock of `zone`; null if none within 5 years. */
export function nextTick(c: Cron, zone: string, after: number): number | null {
  const startWall = wallOf(after, zone);
  // Wall times before `after`'s own only matter right after a clock change (see below).
  const recentShift = wallOf(after - 3 * 3_600_000, zone) !== startWall - 3 * 3_600_000;
  const floor = recentShift ? startWall - 3 * 3_600_000 : startWall;
  const hours = [...c.hours].sort((a, b) => a - b);
  const minutes = [...c.minutes].sort((a, b) => a - b);
  const seconds = [...c.seconds].sort((a, b) => a - b);
  for (let day = Math.floor(startWall / DAY) * DAY, end = day + 5 * 366 * DAY; day < end; day += DAY) {
    const d = new Date(day);
    if (!c.months.has(d.getUTCMonth() + 1) || !dayMatches(c, d)) continue;
    for (const h of hours)
      for (const m of minutes)
        for (const sec of seconds) {
          const wall = day + h * 3_600_000 + m * 60_000 + sec * 1000;
          // A wall time earlier than `after`'s names an instant at or before it (gaps map forward to
          // the jump, repeats to their first occurrence), so it can be passed over.
          if (wall < floor) continue;
          const at = instantOf(wall, zone);
          if (at > after) return at;
        }
  }
  return null;
}

/** All ticks in (from, to], oldest first, at most `limit`. */
export function ticksBetween(c: Cron, zone: string, from: number, to: number, limit = 1000): number[] {
  const out: number[] = [];
  for (let t = nextTick(c, zone, from); t !== null && t <= to && out.length < limit; t = nextTick(c, zone, t)) out.push(t);
  return out;
}
