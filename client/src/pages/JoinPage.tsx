// /join/:token — accept an invitation or a personal re-entry link, in one screen.

import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import * as api from "../api/client";
import type { InvitationPreview } from "../api/types";
import { AccountFields, EMPTY_ACCOUNT, accountErrors, type AccountField } from "../components/AccountFields";
import { ErrorAlert, TextField, focusFirstInvalid } from "../components/forms";
import { Loading } from "../components/Layout";
import { fieldErrorsFrom, useApiForm } from "../components/useApiForm";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { useLocale } from "../i18n/format";
import { useSession } from "../session/SessionContext";

/** Codes meaning "this link cannot be used": each gets a kind explanation. */
const LINK_PROBLEMS = new Set(["invitation_expired", "invitation_used", "invitation_revoked"]);
/** Codes (or statuses) of a link that is not one of ours, or leads nowhere. */
const LINK_INVALID = new Set(["invitation_invalid", "invitation_not_found", "not_found", "bad_request", "gone"]);

function isDeadLink(error: unknown): boolean {
  return api.isApiError(error) && (LINK_PROBLEMS.has(error.code) || LINK_INVALID.has(error.code) || error.status === 410);
}

function linkProblemMessage(error: unknown, t: (key: string) => string): string {
  if (api.isApiError(error) && LINK_PROBLEMS.has(error.code)) return error.localizedMessage;
  if (api.isApiError(error, "network_error")) return error.localizedMessage;
  // Forged, malformed or unknown tokens (400 / 404 and any other code).
  return t("errors.invitation_invalid");
}

function LinkProblem({ error }: { error: unknown }) {
  const { t } = useLocale();
  const { user } = useSession();
  const isNetwork = api.isApiError(error, "network_error");
  return (
    <div className="page page--narrow">
      <h1>{t("join.problemTitle")}</h1>
      <div role="alert" className="alert alert--warning">
        <p className="alert__title">{linkProblemMessage(error, t)}</p>
        {isNetwork ? null : <p>{t("join.askNewLink")}</p>}
      </div>
      {user ? (
        <p>
          <Link to="/">{t("join.goHome")}</Link>
        </p>
      ) : null}
    </div>
  );
}

export function JoinPage() {
  const { token = "" } = useParams();
  const { t, date } = useLocale();
  const { user, setSession } = useSession();
  const navigate = useNavigate();

  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [account, setAccount] = useState(EMPTY_ACCOUNT);
  const { formRef, errors, formError, busy, submit } = useApiForm<AccountField>();
  const [emailTaken, setEmailTaken] = useState(false);
  const [alreadyMember, setAlreadyMember] = useState(false);
  const [acceptError, setAcceptError] = useState<unknown>(null);

  useDocumentTitle(t("join.title"));

  useEffect(() => {
    let cancelled = false;
    setPreview(null);
    setLoadError(null);
    api
      .previewInvitation(token)
      .then((value) => {
        if (!cancelled) setPreview(value);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadError(error);
      });
    return () => {
      cancelled = true;
    };
  }, [token]);

  if (loadError) return <LinkProblem error={loadError} />;
  if (acceptError) return <LinkProblem error={acceptError} />;
  if (!preview || user === undefined) return <Loading />;

  const isReentry = preview.kind === "reentry";
  const needsAccount = preview.requires_account || preview.role === "partner" || preview.role === "lead";
  // What the form must ask for.
  const askName = !isReentry && !user;
  const askAccount = !isReentry && needsAccount && (!user || !user.has_account);

  const onSubmit = (event: FormEvent) => {
    // A new try: the help for the last refusal goes.
    setEmailTaken(false);
    setAlreadyMember(false);
    return submit(event, {
      validate: () => {
        if (askAccount) return accountErrors(account, t, { withName: askName });
        return askName && !account.name.trim() ? { display_name: t("validation.required") } : {};
      },
      send: async () => {
        const reply = await api.acceptInvitation(token, {
          ...(askName ? { display_name: account.name.trim() } : {}),
          ...(askAccount ? { email: account.email.trim(), password: account.password } : {}),
        });
        setSession(reply.session);
        void navigate(`/dossiers/${reply.dossier_id}`, { replace: true });
      },
      onRefused: (error) => {
        if (isDeadLink(error)) {
          // The page explains the link cannot be used, instead of the form.
          setAcceptError(error);
          return {};
        }
        const fieldErrors = fieldErrorsFrom(error, ["display_name", "email", "password"], t("validation.serverRejected"));
        if (api.isApiError(error, "display_name_required")) fieldErrors.display_name = api.errorMessage(error);
        if (api.isApiError(error, "password_too_short")) fieldErrors.password = api.errorMessage(error);
        if (api.isApiError(error, "email_taken")) {
          fieldErrors.email = api.errorMessage(error);
          setEmailTaken(true);
        }
        if (api.isApiError(error, "already_member")) setAlreadyMember(true);
        // Unlike the other forms, this one also takes the user to the field to correct.
        requestAnimationFrame(() => focusFirstInvalid(formRef.current));
        return fieldErrors;
      },
    });
  };

  const { title, structure } = preview.dossier;
  const role = preview.role ? t(`roles.${preview.role}`) : "";
  const loginHref = `/login?next=${encodeURIComponent(`/join/${token}`)}`;

  return (
    <div className="page page--narrow">
      <h1>{isReentry ? t("join.reentryHeading") : t("join.heading")}</h1>
      <div className="card join-card">
        {isReentry ? (
          <>
            <p className="lead">{t("join.reentryAs", { title, structure })}</p>
            {preview.display_name ? (
              <p className="join-name">{t("join.reentryName", { name: preview.display_name })}</p>
            ) : null}
          </>
        ) : (
          <>
            <p className="lead">{t("join.invitedAs", { role, title, structure })}</p>
            {preview.role ? <p>{t(`join.roleHelp_${preview.role}`)}</p> : null}
          </>
        )}
        <p className="hint">{t("join.validUntil", { date: date(preview.expires_at) })}</p>

        <form ref={formRef} onSubmit={onSubmit} noValidate aria-label={isReentry ? t("join.comeBack") : t("join.join")}>
          <ErrorAlert message={formError}>
            {emailTaken ? (
              <p>
                <Link to={loginHref}>{t("join.loginFirst")}</Link>. {t("join.emailTakenHelp")}
              </p>
            ) : null}
            {alreadyMember ? (
              <p>
                {t("join.alreadyMemberHelp")} <Link to="/">{t("join.goHome")}</Link>
              </p>
            ) : null}
          </ErrorAlert>

          {!isReentry && user && !askAccount ? (
            <p>{t("join.loggedInAs", { name: user.display_name })}</p>
          ) : null}

          {askAccount ? (
            <>
              <p>{user ? t("join.partnerNeedsAccount") : t("join.partnerAccountIntro")}</p>
              {!user ? (
                <p>
                  {t("join.haveAccount")} <Link to={loginHref}>{t("join.loginFirst")}</Link>
                </p>
              ) : null}
              <AccountFields idPrefix="join" account={account} setAccount={setAccount} errors={errors} withName={askName} />
            </>
          ) : askName ? (
            <TextField
              id="join-name"
              label={t("join.nameLabel")}
              hint={t("join.nameHint")}
              autoComplete="name"
              maxLength={80}
              value={account.name}
              onValueChange={(name) => setAccount((previous) => ({ ...previous, name }))}
              error={errors.display_name}
              aria-required="true"
            />
          ) : null}

          <button type="submit" className="button button--large button--block" aria-disabled={busy || undefined}>
            {isReentry ? t("join.comeBack") : t("join.join")}
          </button>
        </form>
      </div>
    </div>
  );
}
