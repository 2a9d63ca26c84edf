import type { MessageKey } from "@/components/i18n/catalog";

export interface NavItem {
  href: string;
  /** Catalog key of the label (add it to en.ts and ru.ts). */
  label: MessageKey;
  /** Other paths that belong to this section (highlighted with it). */
  also?: string[];
}

/**
 * The console's navigation, in display order. A screen adds its entry here when its feature
 * exists, e.g. `{ href: "/devices", label: "nav.devices" }`.
 */
export const navItems: NavItem[] = [
  { href: "/", label: "nav.dashboard" },
  { href: "/folders", label: "nav.folders" },
  { href: "/devices", label: "nav.devices" },
  { href: "/conflicts", label: "nav.conflicts" },
  { href: "/changes", label: "nav.changes" },
  { href: "/dr", label: "nav.dr", also: ["/failover"] },
  { href: "/settings", label: "nav.settings" },
];
