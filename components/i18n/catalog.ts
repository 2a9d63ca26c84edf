import { en, type Catalog, type MessageKey } from "./en";
import { ru } from "./ru";

export const LANGUAGES = ["en", "ru"] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Cookie the root layout reads so the first HTML already has the chosen language. */
export const LANG_COOKIE = "ferry_lang";
export const LANG_STORAGE_KEY = "ferry_lang";

export const catalogs: Record<Lang, Catalog> = { en, ru };

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export type MessageValues = Record<string, string | number>;

/** Looks a key up and fills `{name}` placeholders; an unknown placeholder stays visible so it gets noticed. */
export function translate(lang: Lang, key: MessageKey, values?: MessageValues): string {
  const template = catalogs[lang][key] ?? en[key];
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export type { MessageKey };
