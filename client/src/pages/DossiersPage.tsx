// / — "Mes dossiers": the user's dossiers and, for account holders, a form to create one.

import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import * as api from "../api/client";
import type { DossierSummary } from "../api/types";
import { ErrorAlert, TextField } from "../components/forms";
import { fieldErrorsFrom, useApiForm } from "../components/useApiForm";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { useLocale } from "../i18n/format";
import { useSession } from "../session/SessionContext";

function CreateDossierForm() {
  const { t } = useLocale();
  const navigate = useNavigate();
  const headingId = useId();
  const [title, setTitle] = useState("");
  const [structure, setStructure] = useState("");
  const { formRef, errors, formError, busy, submit } = useApiForm<"title" | "structure">();

  const onSubmit = (event: FormEvent) =>
    submit(event, {
      validate: () => {
        const next: typeof errors = {};
        if (!title.trim()) next.title = t("validation.required");
        if (!structure.trim()) next.structure = t("validation.required");
        return next;
      },
      send: async () => {
        const dossier = await api.createDossier(title.trim(), structure.trim());
        void navigate(`/dossiers/${dossier.id}`);
      },
      onRefused: (error) => fieldErrorsFrom(error, ["title", "structure"], t("validation.serverRejected")),
    });

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("dossiers.createHeading")}</h2>
      <p className="hint">{t("dossiers.createIntro")}</p>
      <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby={headingId}>
        <ErrorAlert message={formError} />
        <TextField
          id="dossier-title"
          label={t("dossiers.titleLabel")}
          hint={t("dossiers.titleHint")}
          placeholder={t("dossiers.titlePlaceholder")}
          value={title}
          onValueChange={setTitle}
          error={errors.title}
          aria-required="true"
          maxLength={200}
        />
        <TextField
          id="dossier-structure"
          label={t("dossiers.structureLabel")}
          hint={t("dossiers.structureHint")}
          autoComplete="organization"
          value={structure}
          onValueChange={setStructure}
          error={errors.structure}
          aria-required="true"
          maxLength={200}
        />
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {t("dossiers.create")}
        </button>
      </form>
    </section>
  );
}

export function DossiersPage() {
  const { t } = useLocale();
  const { user } = useSession();
  const [dossiers, setDossiers] = useState<DossierSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useDocumentTitle(t("dossiers.title"));

  const load = useCallback(() => {
    setError(null);
    api
      .listDossiers()
      .then(setDossiers)
      .catch((reason: unknown) => setError(reason));
  }, []);

  useEffect(load, [load]);

  return (
    <div className="page">
      <h1>{t("dossiers.title")}</h1>
      {error ? (
        <ErrorAlert message={api.errorMessage(error)}>
          <button type="button" className="button button--secondary" onClick={load}>
            {t("common.retry")}
          </button>
        </ErrorAlert>
      ) : null}
      {dossiers === null && !error ? <p aria-busy="true">{t("app.loading")}</p> : null}
      {dossiers && dossiers.length === 0 ? (
        <p className="empty">{user?.has_account ? t("dossiers.empty") : t("dossiers.emptyNoAccount")}</p>
      ) : null}
      {dossiers && dossiers.length > 0 ? (
        <ul className="dossier-list" aria-label={t("dossiers.listLabel")}>
          {dossiers.map((dossier) => (
            <li key={dossier.id} className="card dossier-card">
              <h2 className="dossier-card__title">
                <Link to={`/dossiers/${dossier.id}`}>{dossier.title}</Link>
              </h2>
              <p className="dossier-card__structure">{t("dossiers.structure", { structure: dossier.structure })}</p>
              <ul className="facts">
                <li>{t("dossiers.myRole", { role: t(`roles.${dossier.role}`) })}</li>
                <li>{t("dossiers.actionCount", { count: dossier.action_count })}</li>
                <li>{t("dossiers.memberCount", { count: dossier.member_count })}</li>
                <li>
                  <span className={`badge badge--${dossier.state}`}>
                    {t("dossiers.state", { state: t(`states.${dossier.state}`) })}
                  </span>
                </li>
              </ul>
            </li>
          ))}
        </ul>
      ) : null}
      {user?.has_account ? <CreateDossierForm /> : null}
    </div>
  );
}
