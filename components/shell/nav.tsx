"use client";

import Link from "@/components/ui/link";
import { usePathname } from "next/navigation";
import { useT } from "@/components/i18n/i18n-provider";
import { focusRing } from "@/components/ui/styles";
import { ConflictBadge } from "./conflict-badge";
import { navItems } from "./nav-items";

function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

export function Nav() {
  const t = useT();
  const pathname = usePathname() ?? "/";
  return (
    <nav aria-label={t("nav.label")}>
      <ul className="flex gap-1 overflow-x-auto">
        {navItems.map((item) => {
          const active = [item.href, ...(item.also ?? [])].some((href) => isActive(pathname, href));
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={`flex items-center whitespace-nowrap border-b-2 px-3 py-2.5 text-sm font-medium ${focusRing} ${
                  active ? "border-teal-600 text-teal-800" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
                }`}
              >
                {t(item.label)}
                {item.href === "/conflicts" && <ConflictBadge />}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
