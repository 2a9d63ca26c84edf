"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage, trpcErrorCode } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, input } from "@/components/ui/styles";
import { Field } from "./field";

// Mirrors the server's MIN_PASSWORD_LENGTH so the common mistake is caught before a round trip.
const MIN_LENGTH = 8;

export function PasswordForm() {
  const t = useT();
  const trpc = useTRPC();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent("");
        setNext("");
        setRepeat("");
      },
    }),
  );

  function submit(e: FormEvent) {
    e.preventDefault();
    change.reset();
    if (next.length < MIN_LENGTH) return setLocalError(t("settings.passwordTooShort", { min: MIN_LENGTH }));
    if (next !== repeat) return setLocalError(t("settings.passwordMismatch"));
    setLocalError(null);
    change.mutate({ current, next });
  }

  const serverError = change.error ? (trpcErrorCode(change.error) === "BAD_REQUEST" && /at least/.test(change.error.message) ? t("settings.passwordTooShort", { min: MIN_LENGTH }) : errorMessage(change.error)) : null;
  const error = localError ?? serverError;

  return (
    <Card id="password" title={t("settings.password")}>
      <form onSubmit={submit} className="space-y-4">
        {/* Lets password managers tie the new password to the account. */}
        <input type="text" name="username" autoComplete="username" hidden readOnly value="" />
        <Field id="currentPassword" label={t("settings.currentPassword")}>
          <input id="currentPassword" type="password" autoComplete="current-password" required className={input} value={current} onChange={(e) => setCurrent(e.target.value)} />
        </Field>
        <Field id="newPassword" label={t("settings.newPassword")}>
          <input id="newPassword" type="password" autoComplete="new-password" required minLength={MIN_LENGTH} className={input} value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
        <Field id="repeatPassword" label={t("settings.repeatPassword")}>
          <input id="repeatPassword" type="password" autoComplete="new-password" required className={input} value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </Field>
        {error && <Notice tone="error">{error}</Notice>}
        {change.isSuccess && <Notice tone="success">{t("settings.passwordChanged")}</Notice>}
        <button type="submit" className={buttonPrimary} disabled={change.isPending}>
          {change.isPending ? t("common.saving") : t("settings.changePassword")}
        </button>
      </form>
    </Card>
  );
}
