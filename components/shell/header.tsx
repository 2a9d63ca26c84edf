"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { LanguageSwitch } from "@/components/i18n/language-switch";
import { useT } from "@/components/i18n/i18n-provider";
import { useTRPC } from "@/components/trpc/trpc";
import { buttonSecondary } from "@/components/ui/styles";
import { FerryMark } from "./ferry-mark";
import { Nav } from "./nav";

export function Header() {
  const t = useT();
  const trpc = useTRPC();
  const status = useQuery(trpc.system.status.queryOptions());
  const me = useQuery(trpc.auth.me.queryOptions());
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      // Even if the call fails the user wants out; the login page is where they end up either way.
      onSettled: () => location.assign("/login"),
    }),
  );

  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 pt-3 sm:px-6">
        <div className="flex min-w-0 items-center gap-2.5">
          <FerryMark />
          <span className="text-base font-semibold tracking-tight text-slate-900">{t("app.name")}</span>
          <span className="text-slate-300" aria-hidden="true">
            /
          </span>
          <span className="truncate text-sm text-slate-600" data-testid="node-name" title={t("header.node")}>
            {status.data?.deviceName ?? "…"}
          </span>
        </div>
        <div className="ml-auto flex items-center gap-3">
          <LanguageSwitch />
          {me.data?.username && <span className="hidden text-sm text-slate-500 sm:inline">{me.data.username}</span>}
          <button type="button" className={buttonSecondary} onClick={() => logout.mutate()} disabled={logout.isPending}>
            {t("header.logout")}
          </button>
        </div>
      </div>
      <div className="mx-auto mt-1 max-w-6xl px-2 sm:px-4">
        <Nav />
      </div>
    </header>
  );
}
