"use client";

import { useEffect } from "react";
import type { MessageKey } from "@/components/i18n/catalog";
import { useT } from "@/components/i18n/i18n-provider";

/** The page's h1 and the browser tab title, both in the current language. */
export function PageTitle({ title }: { title: MessageKey }) {
  const t = useT();
  const text = t(title);
  useEffect(() => {
    document.title = `${text} · ${t("app.name")}`;
  }, [text, t]);
  return <h1 className="text-xl font-semibold tracking-tight text-slate-900">{text}</h1>;
}
