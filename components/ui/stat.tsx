import Link from "@/components/ui/link";
import type { ReactNode } from "react";

/** A label over a value; with `href` the whole tile is a link to the page behind the number. */
export function Stat({ label, value, hint, href, tone = "plain", testId }: { label: string; value: ReactNode; hint?: ReactNode; href?: string; tone?: "plain" | "good" | "warn" | "bad"; testId?: string }) {
  const color = { plain: "text-slate-900", good: "text-emerald-700", warn: "text-amber-700", bad: "text-red-700" }[tone];
  const body = (
    <>
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${color}`}>{value}</div>
      {hint && <div className="mt-0.5 truncate text-xs text-slate-500">{hint}</div>}
    </>
  );
  const cls = "block rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm";
  return href ? (
    <Link href={href} data-testid={testId} className={`${cls} hover:border-teal-400 hover:bg-teal-50/30 focus-visible:outline-2 focus-visible:outline-teal-600`}>
      {body}
    </Link>
  ) : (
    <div data-testid={testId} className={cls}>
      {body}
    </div>
  );
}
