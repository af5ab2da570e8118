// The dossier does not exist, or the reader is not a member (no existence leak).

import { Link } from "react-router";
import * as api from "../../api/client";
import { ErrorAlert } from "../../components/forms";
import { useDocumentTitle } from "../../components/useDocumentTitle";
import { useLocale } from "../../i18n/format";

export function DossierNotFound({ error }: { error: unknown }) {
  const { t } = useLocale();
  const notFound = api.isApiError(error, "not_found", "forbidden") || (api.isApiError(error) && error.status === 404);
  useDocumentTitle(notFound ? t("notFound.title") : t("app.name"));
  return (
    <div className="page">
      <h1>{notFound ? t("notFound.title") : t("errors.generic")}</h1>
      <ErrorAlert message={notFound ? t("dossier.notFound") : api.errorMessage(error)} />
      <p>
        <Link to="/">{t("dossier.backToList")}</Link>
      </p>
    </div>
  );
}
