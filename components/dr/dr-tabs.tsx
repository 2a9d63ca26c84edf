"use client";

import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";
import { useT } from "@/components/i18n/i18n-provider";
import type { MessageKey } from "@/components/i18n/catalog";

const TABS: { href: string; label: MessageKey }[] = [
  { href: "/dr", label: "dr.tabs.plans" },
  { href: "/dr/runs", label: "dr.tabs.runs" },
  { href: "/failover", label: "dr.tabs.failover" },
  { href: "/dr/alerts", label: "dr.tabs.alerts" },
];

/** The DR section's sub-navigation (one nav entry, four screens). */
export function DrTabs() {
  const t = useT();
  const path = usePathname();
  const active = (href: string) => (href === "/dr" ? path === "/dr" || path.startsWith("/dr/plans") : path.startsWith(href));
  return (
    <nav aria-label={t("dr.tabs.label")} className="flex gap-1 border-b border-slate-200">
      {TABS.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={active(tab.href) ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${active(tab.href) ? "border-teal-700 text-teal-800" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {t(tab.label)}
        </Link>
      ))}
    </nav>
  );
}
