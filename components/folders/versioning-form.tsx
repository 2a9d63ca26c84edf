"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useT } from "@/components/i18n/i18n-provider";
import { errorMessage } from "@/components/trpc/errors";
import { useTRPC } from "@/components/trpc/trpc";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { buttonPrimary, input } from "@/components/ui/styles";

const TYPES = ["none", "trashcan", "simple", "staggered"] as const;
type VersioningType = (typeof TYPES)[number];

/** The one number each kind of versioning is mostly about: days kept, copies kept, maximum age. */
const MAIN_PARAM: Record<VersioningType, { key: string; label: "versioning.cleanoutDays" | "versioning.keep" | "versioning.maxAgeDays" } | null> = {
  none: null,
  trashcan: { key: "cleanoutDays", label: "versioning.cleanoutDays" },
  simple: { key: "keep", label: "versioning.keep" },
  staggered: { key: "maxAge", label: "versioning.maxAgeDays" },
};

export function VersioningForm({ folderId }: { folderId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = useId();
  const current = useQuery(trpc.versions.list.queryOptions({ folderId }));
  const [type, setType] = useState<VersioningType>("none");
  const [value, setValue] = useState("");
  useEffect(() => {
    const v = current.data?.versioning;
    if (!v) return;
    const ty = (TYPES as readonly string[]).includes(v.type) ? (v.type as VersioningType) : "none";
    setType(ty);
    const main = MAIN_PARAM[ty];
    // Staggered keeps its maximum age in seconds; the form speaks days.
    const raw = main ? v.params[main.key] : undefined;
    setValue(raw === undefined ? "" : ty === "staggered" ? String(Math.round(Number(raw) / 86400)) : String(raw));
  }, [current.data]);
  const save = useMutation(trpc.versions.setVersioning.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.versions.list.queryKey({ folderId }) }) }));
  const main = MAIN_PARAM[type];
  return (
    <Card id="versioning" title={t("versioning.title")}>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          const params: Record<string, number> = {};
          if (main && value.trim()) params[main.key] = type === "staggered" ? Number(value) * 86400 : Number(value);
          save.mutate({ folderId, type, params });
        }}
      >
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="block text-sm text-slate-700" htmlFor={`${ids}-type`}>
            {t("versioning.type")}
            <select id={`${ids}-type`} className={`${input} mt-1`} value={type} onChange={(e) => setType(e.target.value as VersioningType)}>
              {TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {t(`versioning.type.${ty}`)}
                </option>
              ))}
            </select>
          </label>
          {main && (
            <label className="block text-sm text-slate-700" htmlFor={`${ids}-value`}>
              {t(main.label)}
              <input id={`${ids}-value`} type="number" min={0} className={`${input} mt-1`} value={value} onChange={(e) => setValue(e.target.value)} />
            </label>
          )}
        </div>
        <p className="text-xs text-slate-500">{t(`versioning.help.${type}`)}</p>
        {save.error && <Notice tone="error">{errorMessage(save.error)}</Notice>}
        {save.isSuccess && <Notice tone="success">{t("settings.saved")}</Notice>}
        <button type="submit" className={buttonPrimary} disabled={save.isPending}>
          {save.isPending ? t("common.saving") : t("common.save")}
        </button>
      </form>
    </Card>
  );
}
