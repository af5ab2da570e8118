// i18next setup: French first, English second; the choice is kept in
// localStorage and mirrored on <html lang>.

import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en";
import fr from "./fr";

export const LANGUAGES = ["fr", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = "codossier.lang";

function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    if (isLanguage(value)) return value;
  } catch {
    // localStorage may be unavailable (private mode): fall back to French.
  }
  return "fr";
}

/** The current UI language, narrowed to the ones we ship. */
export function currentLanguage(): Language {
  const lang = i18n.resolvedLanguage ?? i18n.language;
  return isLanguage(lang) ? lang : "fr";
}

export function setLanguage(lang: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not kept across visits then; still switch for this page.
  }
  void i18n.changeLanguage(lang);
}

i18n.on("languageChanged", (lang: string) => {
  document.documentElement.lang = isLanguage(lang) ? lang : "fr";
});

void i18n.use(initReactI18next).init({
  resources: {
    fr: { translation: fr },
    en: { translation: en },
  },
  lng: storedLanguage(),
  fallbackLng: "fr",
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

document.documentElement.lang = currentLanguage();

export default i18n;
