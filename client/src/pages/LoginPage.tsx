// /login — log in, or create an account; then go back where the user came from.

import { useEffect, useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import * as api from "../api/client";
import { AccountFields, EMPTY_ACCOUNT, accountErrors, emailError, type AccountField } from "../components/AccountFields";
import { ErrorAlert, TextField } from "../components/forms";
import { safeNext } from "../components/Layout";
import { fieldErrorsFrom, useApiForm } from "../components/useApiForm";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { useSession } from "../session/SessionContext";

function LoginForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { setSession } = useSession();
  const headingId = useId();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { formRef, errors, formError, busy, submit } = useApiForm<"email" | "password">();

  const onSubmit = (event: FormEvent) =>
    submit(event, {
      validate: () => {
        const next: typeof errors = {};
        const wrongEmail = emailError(email, t);
        if (wrongEmail) next.email = wrongEmail;
        if (!password) next.password = t("validation.required");
        return next;
      },
      send: async () => {
        setSession(await api.login(email.trim(), password));
        onDone();
      },
      onRefused: (error) => fieldErrorsFrom(error, ["email", "password"], t("validation.serverRejected")),
    });

  return (
    <section className="card auth-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("login.loginHeading")}</h2>
      <form ref={formRef} aria-labelledby={headingId} onSubmit={onSubmit} noValidate>
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

// The server answers every sign-up the same way (it never says whether the address
// already has an account): a message went to the address, whose link activates the account.
function SignupForm() {
  const { t } = useTranslation();
  const headingId = useId();
  const [account, setAccount] = useState(EMPTY_ACCOUNT);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { formRef, errors, formError, busy, submit } = useApiForm<AccountField>();

  const onSubmit = (event: FormEvent) =>
    submit(event, {
      validate: () => accountErrors(account, t, { withName: true }),
      send: async () => {
        setSentTo((await api.signup(account.email.trim(), account.password, account.name.trim())).email);
      },
      onRefused: (error) => {
        const fieldErrors = fieldErrorsFrom(error, ["email", "password", "display_name"], t("validation.serverRejected"));
        if (api.isApiError(error, "password_too_short")) fieldErrors.password = api.errorMessage(error);
        return fieldErrors;
      },
    });

  if (sentTo) {
    return (
      <section className="card auth-card" aria-labelledby={headingId}>
        <h2 id={headingId}>{t("login.checkEmailTitle")}</h2>
        <p role="status">{t("login.checkEmail", { email: sentTo })}</p>
      </section>
    );
  }

  return (
    <section className="card auth-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("login.signupHeading")}</h2>
      <p className="hint">{t("login.signupIntro")}</p>
      <form ref={formRef} aria-labelledby={headingId} onSubmit={onSubmit} noValidate>
        <ErrorAlert message={formError} />
        <AccountFields idPrefix="signup" account={account} setAccount={setAccount} errors={errors} withName nameHint={t("login.displayNameHint")} />
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
    if (user && user.has_account) void navigate(next, { replace: true });
  }, [user, next, navigate]);

  return (
    <div className="page">
      <h1>{t("login.title")}</h1>
      <p className="lead">{t("login.intro")}</p>
      <div className="auth-grid">
        <LoginForm onDone={done} />
        <SignupForm />
      </div>
      <p className="hint">{t("login.invitedNote")}</p>
    </div>
  );
}
