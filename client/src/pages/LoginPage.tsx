// /login — log in, or create an account; then go back where the user came from.

import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import * as api from "../api/client";
import { ErrorAlert, EMAIL_PATTERN, TextField, focusFirstInvalid } from "../components/forms";
import { safeNext } from "../components/Layout";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { useSession } from "../session/SessionContext";

type Errors = Partial<Record<"email" | "password" | "display_name", string>>;

/** Map server validation details onto our field names. */
function fieldErrorsFrom(error: unknown, fields: readonly string[], fallback: string): Errors {
  const errors: Errors = {};
  if (api.isApiError(error, "validation_error")) {
    for (const detail of error.details) {
      const field = detail.field.split(".").pop() ?? detail.field;
      if (fields.includes(field)) errors[field as keyof Errors] = fallback;
    }
  }
  return errors;
}

function LoginForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { setSession } = useSession();
  const headingId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const next: Errors = {};
    if (!email.trim()) next.email = t("validation.required");
    else if (!EMAIL_PATTERN.test(email.trim())) next.email = t("validation.email");
    if (!password) next.password = t("validation.required");
    setErrors(next);
    if (Object.keys(next).length) {
      setFormError(t("common.formHasErrors"));
      requestAnimationFrame(() => focusFirstInvalid(formRef.current));
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      const session = await api.login(email.trim(), password);
      setSession(session);
      onDone();
    } catch (error) {
      setErrors(fieldErrorsFrom(error, ["email", "password"], t("validation.serverRejected")));
      setFormError(api.errorMessage(error));
      setBusy(false);
    }
  };

  return (
    <section className="card auth-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("login.loginHeading")}</h2>
      <form ref={formRef} aria-labelledby={headingId} onSubmit={submit} noValidate>
        <ErrorAlert message={formError} />
        <TextField
          id="login-email"
          label={t("login.email")}
          type="email"
          autoComplete="username"
          inputMode="email"
          value={email}
          onValueChange={setEmail}
          error={errors.email}
          aria-required="true"
        />
        <TextField
          id="login-password"
          label={t("login.password")}
          type="password"
          autoComplete="current-password"
          value={password}
          onValueChange={setPassword}
          error={errors.password}
          aria-required="true"
        />
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {t("login.submitLogin")}
        </button>
      </form>
    </section>
  );
}

function SignupForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { setSession } = useSession();
  const headingId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const next: Errors = {};
    if (!name.trim()) next.display_name = t("validation.required");
    if (!email.trim()) next.email = t("validation.required");
    else if (!EMAIL_PATTERN.test(email.trim())) next.email = t("validation.email");
    if (password.length < 10) next.password = t("validation.passwordLength");
    setErrors(next);
    if (Object.keys(next).length) {
      setFormError(t("common.formHasErrors"));
      requestAnimationFrame(() => focusFirstInvalid(formRef.current));
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      const session = await api.signup(email.trim(), password, name.trim());
      setSession(session);
      onDone();
    } catch (error) {
      const fieldErrors = fieldErrorsFrom(error, ["email", "password", "display_name"], t("validation.serverRejected"));
      if (api.isApiError(error, "email_taken")) fieldErrors.email = api.errorMessage(error);
      if (api.isApiError(error, "password_too_short")) fieldErrors.password = api.errorMessage(error);
      setErrors(fieldErrors);
      setFormError(api.errorMessage(error));
      setBusy(false);
    }
  };

  return (
    <section className="card auth-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("login.signupHeading")}</h2>
      <p className="hint">{t("login.signupIntro")}</p>
      <form ref={formRef} aria-labelledby={headingId} onSubmit={submit} noValidate>
        <ErrorAlert message={formError} />
        <TextField
          id="signup-name"
          label={t("login.displayName")}
          hint={t("login.displayNameHint")}
          autoComplete="name"
          maxLength={80}
          value={name}
          onValueChange={setName}
          error={errors.display_name}
          aria-required="true"
        />
        <TextField
          id="signup-email"
          label={t("login.email")}
          type="email"
          autoComplete="email"
          inputMode="email"
          value={email}
          onValueChange={setEmail}
          error={errors.email}
          aria-required="true"
        />
        <TextField
          id="signup-password"
          label={t("login.password")}
          hint={t("login.passwordHint")}
          type="password"
          autoComplete="new-password"
          minLength={10}
          value={password}
          onValueChange={setPassword}
          error={errors.password}
          aria-required="true"
        />
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {t("login.submitSignup")}
        </button>
      </form>
    </section>
  );
}

export function LoginPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  useDocumentTitle(t("login.title"));

  const done = () => navigate(next, { replace: true });

  // Already logged in with an account: nothing to do here.
  useEffect(() => {
    if (user && user.has_account) navigate(next, { replace: true });
  }, [user, next, navigate]);

  return (
    <div className="page">
      <h1>{t("login.title")}</h1>
      <p className="lead">{t("login.intro")}</p>
      <div className="auth-grid">
        <LoginForm onDone={done} />
        <SignupForm onDone={done} />
      </div>
      <p className="hint">{t("login.invitedNote")}</p>
    </div>
  );
}
