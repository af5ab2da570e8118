// /dossiers/:id — the dossier: its actions in order of importance, the
// Annexe B questions of each action, and the storyboard; at the top, where
// the dossier stands in its lifecycle (LifecyclePanel).

import { useCallback, useEffect, useMemo, useRef } from "react";
import { Link, useParams } from "react-router";
import type { Action } from "../../api/types";
import { ExportButtons } from "../../components/ExportButtons";
import { Loading } from "../../components/Layout";
import { useDocumentTitle } from "../../components/useDocumentTitle";
import { useDossier } from "../../components/useDossier";
import { useLocale } from "../../i18n/format";
import { LiveContext, useLiveConnection } from "../../live/hooks";
import { useSession } from "../../session/SessionContext";
import { ActionsManager } from "./ActionsManager";
import { DossierNotFound } from "./DossierNotFound";
import { LifecyclePanel } from "./LifecyclePanel";
import { BeneficiariesSetting } from "./live/BeneficiariesSetting";
import { DossierLiveContext, mayEdit } from "./live/context";
import { AnnexeForms, Storyboard } from "./TemplateViews";

export function DossierPage() {
  const { id } = useParams();
  const { t } = useLocale();
  const { dossier, setDossier, error, reload } = useDossier(Number(id));
  const { user } = useSession();
  const actionsHeading = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(dossier?.title ?? null);
  const connection = useLiveConnection(Number(id), user, dossier?.my_role ?? null, dossier ? !mayEdit(dossier) : false);
  const liveContext = useMemo(() => (dossier && user ? { dossier, userId: user.id } : null), [dossier, user]);

  // Who may edit decides each document's read-only flag, which the server
  // gives at `join`: when it changes (the lead's switch, a freeze), join again.
  const rights = dossier ? `${dossier.state}:${dossier.my_role}:${dossier.beneficiaries_may_edit}` : null;
  const previousRights = useRef<string | null>(null);
  useEffect(() => {
    if (!connection || !dossier) return;
    connection.readOnlyGuess = !mayEdit(dossier);
    if (previousRights.current !== null && previousRights.current !== rights) connection.rejoinAll();
    previousRights.current = rights;
  }, [connection, dossier, rights]);

  // Look again when the server announces a change of the dossier (its `dossier`
  // event: a freeze, a reopening, the lead's switch), when our edits are
  // refused as read-only, when the page comes back into view, and now and then
  // while this beneficiary may only comment (so the editor opens when the lead
  // allows writing again). The lifecycle panel also asks for it when it sees
  // the state move.
  const commentOnly = dossier?.my_role === "beneficiary" && !dossier.beneficiaries_may_edit && dossier.state === "brouillon";
  useEffect(() => {
    if (!connection) return;
    const refresh = () => void reload();
    const onVisible = () => {
      if (document.visibilityState === "visible") refresh();
    };
    const stop = connection.onPermissionsChanged(refresh);
    document.addEventListener("visibilitychange", onVisible);
    const timer = commentOnly
      ? setInterval(() => {
          if (document.visibilityState === "visible") refresh();
        }, 30_000)
      : null;
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisible);
      if (timer !== null) clearInterval(timer);
    };
  }, [connection, reload, commentOnly]);

  const refreshDossier = useCallback(() => void reload(), [reload]);

  if (error && !dossier) return <DossierNotFound error={error} />;
  if (!dossier) return <Loading />;

  const canManageActions = dossier.my_capabilities.includes("manage_actions") && dossier.state === "brouillon";
  const canManageMembers = dossier.my_capabilities.includes("manage_members");
  const actions = [...dossier.actions].sort((a, b) => a.position - b.position);
  const setActions = (next: Action[]) => setDossier({ ...dossier, actions: next });

  return (
    <LiveContext.Provider value={connection}>
    <DossierLiveContext.Provider value={liveContext}>
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
        {dossier.my_role === "lead" ? <BeneficiariesSetting dossier={dossier} onChange={setDossier} /> : null}
      </div>

      <nav aria-label={t("dossier.inPageNav")} className="in-page-nav">
        <ul>
          <li>
            <a href="#lifecycle">{t("dossier.lifecycleLink")}</a>
          </li>
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
          <li>
            <Link to={`/dossiers/${dossier.id}/priorites`}>{t("dossier.prioritiesLink")}</Link>
          </li>
          <li>
            <Link to={`/dossiers/${dossier.id}/decisions`}>{t("dossier.decisionsLink")}</Link>
          </li>
          <li>
            <Link to={`/dossiers/${dossier.id}/register`}>{t("dossier.registerLink")}</Link>
          </li>
        </ul>
      </nav>

      <ExportButtons
        target={{ kind: "dossier", dossierId: dossier.id }}
        heading={t("export.dossier.heading")}
        draft={dossier.state === "brouillon"}
        className="block card export--dossier"
      />

      <LifecyclePanel dossier={dossier} onStateChange={refreshDossier} />

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
    </DossierLiveContext.Provider>
    </LiveContext.Provider>
  );
}
