"use client";

import { useState, type ReactNode } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { buttonDanger, buttonSecondary } from "./styles";

/**
 * A button that first says what will happen and asks again, inline (no modal to lose focus in).
 * `danger` styles the confirming button red.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  pending,
  danger = true,
  className = buttonSecondary,
}: {
  label: ReactNode;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  danger?: boolean;
  className?: string;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className={className} onClick={() => setAsking(true)} disabled={pending}>
        {label}
      </button>
    );
  return (
    <div role="alertdialog" aria-label={typeof label === "string" ? label : undefined} className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <span className="min-w-0 flex-1">{question}</span>
      <button
        type="button"
        className={danger ? buttonDanger : buttonSecondary}
        disabled={pending}
        onClick={() => {
          onConfirm();
          setAsking(false);
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className={buttonSecondary} onClick={() => setAsking(false)}>
        {t("common.cancel")}
      </button>
    </div>
  );
}
