"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { isLang, LANG_COOKIE, LANG_STORAGE_KEY, translate, type Lang, type MessageKey, type MessageValues } from "./catalog";

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, values?: MessageValues) => string;
}

const I18nContext = createContext<I18n | null>(null);

function remember(lang: Lang) {
  try {
    localStorage.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Storage can be disabled; the cookie still carries the choice.
  }
  document.cookie = `${LANG_COOKIE}=${lang}; Path=/; Max-Age=${365 * 24 * 3600}; SameSite=Strict`;
  document.documentElement.lang = lang;
}

/** Holds the console language; `initialLang` comes from the ferry_lang cookie read by the root layout. */
export function I18nProvider({ initialLang, children }: { initialLang: Lang; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);

  // A choice stored in this browser wins over a missing or stale cookie.
  useEffect(() => {
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(LANG_STORAGE_KEY);
    } catch {
      stored = null;
    }
    if (isLang(stored) && stored !== initialLang) {
      setLangState(stored);
      remember(stored);
    }
  }, [initialLang]);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    remember(next);
  }, []);

  const value = useMemo<I18n>(() => ({ lang, setLang, t: (key, values) => translate(lang, key, values) }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n() outside <I18nProvider>");
  return ctx;
}

/** The translate function for the current language: `const t = useT(); t("nav.settings")`. */
export function useT() {
  return useI18n().t;
}
