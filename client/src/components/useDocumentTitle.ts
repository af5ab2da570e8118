import { useEffect } from "react";
import { useTranslation } from "react-i18next";

/** Sets <title> to "<title> — Codossier" while the page is shown. */
export function useDocumentTitle(title: string | null | undefined): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = title ? t("app.pageTitle", { title }) : t("app.name");
  }, [title, t]);
}
