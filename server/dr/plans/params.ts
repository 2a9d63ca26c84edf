/**
 * Replaces ${params.NAME} inside the string values of a task's `with` block. Params come from the
 * plan's defaults overlaid by `run start --param k=v`; an unknown name is left as written so the
 * kind's validation reports it.
 */
export function substituteParams<T>(value: T, params: Record<string, string>): T {
  if (typeof value === "string") return value.replace(/\$\{params\.([A-Za-z0-9_.-]+)\}/g, (m, k: string) => params[k] ?? m) as T;
  if (Array.isArray(value)) return value.map((v) => substituteParams(v, params)) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteParams(v, params)])) as T;
  return value;
}
