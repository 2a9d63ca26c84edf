import type { Counter, Vector } from "./protocol/fileinfo";

/** The result of comparing two version vectors (bep.md §7), as Syncthing names them. */
export type Ordering = "equal" | "greater" | "lesser" | "concurrentGreater" | "concurrentLesser";

function sorted(v: Vector): Vector {
  for (let i = 1; i < v.length; i++) if (v[i - 1].id >= v[i].id) return [...v].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return v;
}

/**
 * Compares a with b, walking both in ascending id order; a missing entry counts as 0. "Concurrent"
 * means each is greater somewhere; its greater/lesser part comes from the first differing id.
 */
export function compareVectors(a: Vector, b: Vector): Ordering {
  const x = sorted(a);
  const y = sorted(b);
  let i = 0;
  let j = 0;
  let first: "greater" | "lesser" | null = null;
  let aGreater = false;
  let bGreater = false;
  while (i < x.length || j < y.length) {
    let av = 0n;
    let bv = 0n;
    if (j >= y.length || (i < x.length && x[i].id < y[j].id)) av = x[i++].value;
    else if (i >= x.length || y[j].id < x[i].id) bv = y[j++].value;
    else {
      av = x[i++].value;
      bv = y[j++].value;
    }
    if (av > bv) {
      aGreater = true;
      first ??= "greater";
    } else if (bv > av) {
      bGreater = true;
      first ??= "lesser";
    }
  }
  if (aGreater && bGreater) return first === "greater" ? "concurrentGreater" : "concurrentLesser";
  if (aGreater) return "greater";
  if (bGreater) return "lesser";
  return "equal";
}

export const isConcurrent = (o: Ordering) => o === "concurrentGreater" || o === "concurrentLesser";

/** Bumps our own counter: max(old + 1, now in Unix seconds), as Syncthing does. */
export function updateVector(v: Vector, shortId: bigint, nowS = BigInt(Math.floor(Date.now() / 1000))): Vector {
  const out: Counter[] = [];
  let done = false;
  for (const c of sorted(v)) {
    if (c.id === shortId) {
      out.push({ id: c.id, value: c.value + 1n > nowS ? c.value + 1n : nowS });
      done = true;
    } else {
      if (!done && c.id > shortId) {
        out.push({ id: shortId, value: nowS > 1n ? nowS : 1n });
        done = true;
      }
      out.push(c);
    }
  }
  if (!done) out.push({ id: shortId, value: nowS > 1n ? nowS : 1n });
  return out;
}

/** Element-wise maximum. */
export function mergeVectors(a: Vector, b: Vector): Vector {
  const m = new Map<bigint, bigint>();
  for (const c of [...a, ...b]) {
    const cur = m.get(c.id);
    if (cur === undefined || c.value > cur) m.set(c.id, c.value);
  }
  return sorted([...m].map(([id, value]) => ({ id, value })));
}

export function counterFor(v: Vector, shortId: bigint): bigint {
  return v.find((c) => c.id === shortId)?.value ?? 0n;
}

/** Storage form: JSON of [id, value] decimal strings (uint64 exceed JSON numbers). */
export function vectorToJson(v: Vector): string {
  return JSON.stringify(sorted(v).map((c) => [c.id.toString(), c.value.toString()]));
}

export function vectorFromJson(s: string): Vector {
  return (JSON.parse(s) as [string, string][]).map(([id, value]) => ({ id: BigInt(id), value: BigInt(value) }));
}

export function vectorToString(v: Vector): string {
  return sorted(v)
    .map((c) => `${c.id.toString(16)}:${c.value}`)
    .join(",");
}
