import { Link } from "react-router";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { useLocale } from "../i18n/format";

export function NotFoundPage() {
  const { t } = useLocale();
  useDocumentTitle(t("notFound.title"));
  return (
    <div className="page">
      <h1>{t("notFound.title")}</h1>
      <p>{t("notFound.text")}</p>
      <p>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </div>
  );
}
