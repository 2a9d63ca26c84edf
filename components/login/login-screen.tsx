"use client";

import { useMutation } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { LanguageSwitch } from "@/components/i18n/language-switch";
import { useT } from "@/components/i18n/i18n-provider";
import { FerryMark } from "@/components/shell/ferry-mark";
import { errorMessage, trpcErrorCode } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, input } from "@/components/ui/styles";

/** Only paths on this console: "/settings", never "//evil.example" or "https://…". */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export function LoginScreen() {
  const t = useT();
  const trpc = useTRPC();
  const params = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess: () => location.assign(safeNext(params.get("next"))) }));

  useEffect(() => {
    document.title = `${t("login.title")}`;
  }, [t]);

  function submit(e: FormEvent) {
    e.preventDefault();
    login.mutate({ username: username.trim(), password });
  }

  let error: string | null = null;
  if (login.error) {
    const code = trpcErrorCode(login.error);
    const seconds = /(\d+)\s*s\b/.exec(login.error.message)?.[1];
    if (code === "UNAUTHORIZED") error = t("login.wrong");
    else if (code === "TOO_MANY_REQUESTS" && seconds) error = t("login.throttled", { seconds });
    else error = errorMessage(login.error);
  }

  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-between">
          <div className="flex items-center gap-2.5">
            <FerryMark className="h-9 w-9" />
            <span className="text-lg font-semibold tracking-tight">{t("app.name")}</span>
          </div>
          <LanguageSwitch />
        </div>
        <form onSubmit={submit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <div>
            <h1 className="text-lg font-semibold text-slate-900">{t("login.title")}</h1>
            <p className="mt-1 text-sm text-slate-500">{t("login.subtitle")}</p>
          </div>
          <div>
            <label htmlFor="login-username" className="mb-1 block text-sm font-medium text-slate-700">
              {t("login.username")}
            </label>
            <input
              id="login-username"
              name="username"
              autoComplete="username"
              autoFocus
              required
              className={input}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="login-password" className="mb-1 block text-sm font-medium text-slate-700">
              {t("login.password")}
            </label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              className={input}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          {error && <Notice tone="error">{error}</Notice>}
          <button type="submit" className={`${buttonPrimary} w-full`} disabled={login.isPending || login.isSuccess}>
            {login.isPending || login.isSuccess ? t("login.submitting") : t("login.submit")}
          </button>
        </form>
      </div>
    </main>
  );
}
