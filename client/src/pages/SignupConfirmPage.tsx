// /signup/:token — the link of a sign-up e-mail: activate the account, log in, go to "Mes dossiers".

import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import * as api from "../api/client";
import { Loading } from "../components/Layout";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { useSession } from "../session/SessionContext";

export function SignupConfirmPage() {
  const { token = "" } = useParams();
  const { t } = useTranslation();
  const { user, setSession } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const sent = useRef(false); // the link works once: never send it twice (React's strict mode runs effects twice)
  useDocumentTitle(t("signup.title"));

  useEffect(() => {
    // Wait for the first session request: its (anonymous) answer must not land after ours.
    if (user === undefined || sent.current) return;
    sent.current = true;
    api
      .confirmSignup(token)
      .then((session) => {
        setSession(session);
        void navigate("/", { replace: true });
      })
      .catch(setError);
  }, [user, token, setSession, navigate]);

  if (!error) return <Loading />;
  return (
    <div className="page page--narrow">
      <h1>{t("signup.problemTitle")}</h1>
      <div role="alert" className="alert alert--warning">
        <p className="alert__title">{api.errorMessage(error)}</p>
      </div>
      <p>
        <Link to="/login">{t("signup.signupAgain")}</Link>
      </p>
    </div>
  );
}
