// Formatting helpers that follow the UI language.

import { useTranslation } from "react-i18next";
import type { LocalizedText } from "../api/types";
import { currentLanguage, type Language } from "./index";

const LOCALES: Record<Language, string> = { fr: "fr-FR", en: "en-GB" };

export function formatDate(iso: string, lang: Language = currentLanguage()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "long" }).format(date);
}

export function formatDateTime(iso: string, lang: Language = currentLanguage()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "long", timeStyle: "short" }).format(date);
}

/** Re-renders on language change; returns helpers bound to the current language. */
export function useLocale() {
  const { t, i18n } = useTranslation();
  const lang: Language = i18n.resolvedLanguage === "en" ? "en" : "fr";
  return {
    t,
    lang,
    /** Pick the text of a template in the UI language (French if missing). */
    text: (value: LocalizedText | null | undefined): string => (value ? value[lang] || value.fr : ""),
    date: (iso: string) => formatDate(iso, lang),
    dateTime: (iso: string) => formatDateTime(iso, lang),
  };
}
