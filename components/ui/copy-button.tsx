"use client";

import { useEffect, useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { copyText } from "./clipboard";
import { buttonSecondary } from "./styles";

/** Copies `text` (or what `getText` resolves to) and says "Copied" for a moment. */
export function CopyButton({ text, getText, label }: { text?: string; getText?: () => Promise<string>; label?: string }) {
  const t = useT();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      const value = text ?? (getText ? await getText() : "");
      setState((await copyText(value)) ? "copied" : "failed");
    } catch {
      setState("failed");
    }
  }

  return (
    <button type="button" onClick={copy} className={buttonSecondary} aria-label={label}>
      <span aria-live="polite">{state === "copied" ? `✓ ${t("common.copied")}` : state === "failed" ? t("common.copyFailed") : t("common.copy")}</span>
    </button>
  );
}
