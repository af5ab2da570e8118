// /join/:token — accept an invitation or a personal re-entry link, in one screen.

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import * as api from "../api/client";
import type { InvitationPreview } from "../api/types";
import { ErrorAlert, EMAIL_PATTERN, TextField, focusFirstInvalid } from "../components/forms";
import { Loading } from "../components/Layout";
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

type Errors = Partial<Record<"display_name" | "email" | "password", string>>;

export function JoinPage() {
  const { token = "" } = useParams();
  const { t, date } = useLocale();
  const { user, setSession } = useSession();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);

  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [emailTaken, setEmailTaken] = useState(false);
  const [alreadyMember, setAlreadyMember] = useState(false);
  const [acceptError, setAcceptError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

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

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const next: Errors = {};
    if (askName && !name.trim()) next.display_name = t("validation.required");
    if (askAccount) {
      if (!email.trim()) next.email = t("validation.required");
      else if (!EMAIL_PATTERN.test(email.trim())) next.email = t("validation.email");
      if (password.length < 10) next.password = t("validation.passwordLength");
    }
    setErrors(next);
    setEmailTaken(false);
    setAlreadyMember(false);
    if (Object.keys(next).length) {
      setFormError(t("common.formHasErrors"));
      requestAnimationFrame(() => focusFirstInvalid(formRef.current));
      return;
    }
    const body: { display_name?: string; email?: string; password?: string } = {};
    if (askName) body.display_name = name.trim();
    if (askAccount) {
      body.email = email.trim();
      body.password = password;
    }
    setBusy(true);
    setFormError(null);
    try {
      const reply = await api.acceptInvitation(token, body);
      setSession(reply.session);
      navigate(`/dossiers/${reply.dossier_id}`, { replace: true });
    } catch (error) {
      setBusy(false);
      if (isDeadLink(error)) {
        setAcceptError(error);
        return;
      }
      const fieldErrors: Errors = {};
      if (api.isApiError(error, "display_name_required")) fieldErrors.display_name = api.errorMessage(error);
      if (api.isApiError(error, "password_too_short")) fieldErrors.password = api.errorMessage(error);
      if (api.isApiError(error, "email_taken")) {
        fieldErrors.email = api.errorMessage(error);
        setEmailTaken(true);
      }
      if (api.isApiError(error, "already_member")) setAlreadyMember(true);
      if (api.isApiError(error, "validation_error")) {
        for (const detail of error.details) {
          const field = detail.field.split(".").pop() ?? detail.field;
          if ((field === "display_name" || field === "email" || field === "password") && !fieldErrors[field]) {
            fieldErrors[field] = t("validation.serverRejected");
          }
        }
      }
      setErrors(fieldErrors);
      setFormError(api.errorMessage(error));
      requestAnimationFrame(() => focusFirstInvalid(formRef.current));
    }
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

        <form ref={formRef} onSubmit={submit} noValidate aria-label={isReentry ? t("join.comeBack") : t("join.join")}>
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
              {askName ? (
                <TextField
                  id="join-name"
                  label={t("join.partnerName")}
                  autoComplete="name"
                  maxLength={80}
                  value={name}
                  onValueChange={setName}
                  error={errors.display_name}
                  aria-required="true"
                />
              ) : null}
              <TextField
                id="join-email"
                label={t("join.partnerEmail")}
                type="email"
                inputMode="email"
                autoComplete="email"
                value={email}
                onValueChange={setEmail}
                error={errors.email}
                aria-required="true"
              />
              <TextField
                id="join-password"
                label={t("join.partnerPassword")}
                hint={t("join.partnerPasswordHint")}
                type="password"
                autoComplete="new-password"
                minLength={10}
                value={password}
                onValueChange={setPassword}
                error={errors.password}
                aria-required="true"
              />
            </>
          ) : askName ? (
            <TextField
              id="join-name"
              label={t("join.nameLabel")}
              hint={t("join.nameHint")}
              autoComplete="name"
              maxLength={80}
              value={name}
              onValueChange={setName}
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
