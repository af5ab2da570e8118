// /dossiers/:id — the dossier: its actions in order of importance, the
// Annexe B questions of each action, and the storyboard.

import { useRef } from "react";
import { Link, useParams } from "react-router";
import * as api from "../../api/client";
import type { Action } from "../../api/types";
import { ErrorAlert } from "../../components/forms";
import { Loading } from "../../components/Layout";
import { useDocumentTitle } from "../../components/useDocumentTitle";
import { useDossier } from "../../components/useDossier";
import { useLocale } from "../../i18n/format";
import { ActionsManager } from "./ActionsManager";
import { AnnexeForms, Storyboard } from "./TemplateViews";

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

export function DossierPage() {
  const { id } = useParams();
  const { t } = useLocale();
  const { dossier, setDossier, error, reload } = useDossier(Number(id));
  const actionsHeading = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(dossier?.title ?? null);

  if (error && !dossier) return <DossierNotFound error={error} />;
  if (!dossier) return <Loading />;

  const canManageActions = dossier.my_capabilities.includes("manage_actions") && dossier.state === "brouillon";
  const canManageMembers = dossier.my_capabilities.includes("manage_members");
  const actions = [...dossier.actions].sort((a, b) => a.position - b.position);
  const setActions = (next: Action[]) => setDossier({ ...dossier, actions: next });

  return (
    <div className="page">
      <div className="page-header">
        <h1>{dossier.title}</h1>
        <dl className="facts facts--inline">
          <div>
            <dt>{t("dossier.structure")}</dt>
            <dd>{dossier.structure}</dd>
          </div>
          <div>
            <dt>{t("dossier.state")}</dt>
            <dd>
              <span className={`badge badge--${dossier.state}`}>{t(`states.${dossier.state}`)}</span>
            </dd>
          </div>
          <div>
            <dt>{t("dossier.myRole")}</dt>
            <dd>{t(`roles.${dossier.my_role}`)}</dd>
          </div>
        </dl>
      </div>

      <nav aria-label={t("dossier.inPageNav")} className="in-page-nav">
        <ul>
          <li>
            <a href="#actions">{t("dossier.actionsHeading")}</a>
          </li>
          <li>
            <a href="#annexe">{t("dossier.formHeading")}</a>
          </li>
          <li>
            <a href="#storyboard">{t("dossier.storyboardHeading")}</a>
          </li>
          <li>
            <Link to={`/dossiers/${dossier.id}/members`}>
              {canManageMembers ? t("dossier.membersLink") : t("dossier.membersLinkReader")}
            </Link>
          </li>
        </ul>
      </nav>

      <section aria-labelledby="actions" className="block">
        <h2 id="actions" ref={actionsHeading} tabIndex={-1}>
          {t("dossier.actionsHeading")}
        </h2>
        <ActionsManager
          dossier={dossier}
          canManage={canManageActions}
          onActionsChange={setActions}
          reload={reload}
          headingRef={actionsHeading}
        />
      </section>

      <section aria-labelledby="annexe" className="block">
        <h2 id="annexe" tabIndex={-1}>
          {t("dossier.formHeading")}
        </h2>
        <AnnexeForms templateRef={dossier.template} actions={actions} role={dossier.my_role} />
      </section>

      <section aria-labelledby="storyboard" className="block">
        <h2 id="storyboard" tabIndex={-1}>
          {t("dossier.storyboardHeading")}
        </h2>
        <p className="hint">{t("dossier.storyboardIntro")}</p>
        <Storyboard templateRef={dossier.storyboard_template} role={dossier.my_role} />
      </section>
    </div>
  );
}
