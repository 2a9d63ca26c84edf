"use client";

import { LANGUAGES } from "./catalog";
import { useI18n } from "./i18n-provider";

const LABELS = { en: "EN", ru: "RU" } as const;
const NAMES = { en: "English", ru: "Русский" } as const;

/** EN | RU toggle; switching re-renders in place, no reload. */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div role="group" aria-label={t("header.language")} className="flex items-center rounded-md border border-slate-300 bg-white p-0.5 text-xs font-medium">
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          title={NAMES[l]}
          aria-pressed={lang === l}
          onClick={() => setLang(l)}
          className={`rounded px-2 py-1 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-teal-600 ${
            lang === l ? "bg-slate-800 text-white" : "text-slate-600 hover:bg-slate-100"
          }`}
        >
          {LABELS[l]}
        </button>
      ))}
    </div>
  );
}
