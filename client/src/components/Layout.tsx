// Page frame: header (app name, user, log out, language switch), main, footer.

import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { errorMessage } from "../api/client";
import { LANGUAGES, setLanguage, type Language } from "../i18n";
import { useSession } from "../session/SessionContext";

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = i18n.resolvedLanguage === "en" ? "en" : "fr";
  const labels: Record<Language, { short: string; title: string }> = {
    fr: { short: t("app.languageFr"), title: t("app.languageFrTitle") },
    en: { short: t("app.languageEn"), title: t("app.languageEnTitle") },
  };
  return (
    <div role="group" aria-label={t("app.language")} className="lang-switch">
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          lang={lang}
          title={labels[lang].title}
          aria-pressed={current === lang}
          className="lang-switch__button"
          onClick={() => setLanguage(lang)}
        >
          {labels[lang].short}
        </button>
      ))}
    </div>
  );
}

function Header() {
  const { t } = useTranslation();
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);

  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    document.getElementById("main")?.focus();
  };

  const onLogout = async () => {
    setBusy(true);
    try {
      await logout();
    } catch {
      // The session is dropped locally anyway.
    } finally {
      setBusy(false);
      void navigate("/login");
    }
  };

  return (
    <header className="site-header">
      <a className="skip-link" href="#main" onClick={skip}>
        {t("app.skipToContent")}
      </a>
      <div className="site-header__inner">
        <Link to="/" className="brand">
          {t("app.name")}
        </Link>
        <nav aria-label={t("app.mainNav")} className="main-nav">
          <ul>
            {user ? (
              <li>
                <Link to="/">{t("app.myDossiers")}</Link>
              </li>
            ) : user === null ? (
              <li>
                <Link to="/login">{t("app.login")}</Link>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className="site-header__end">
          {user ? (
            <div className="user-zone">
              <span className="user-zone__name">{t("app.signedInAs", { name: user.display_name })}</span>
              <button type="button" className="button button--small button--secondary" onClick={onLogout} disabled={busy}>
                {busy ? t("app.loggingOut") : t("app.logout")}
              </button>
            </div>
          ) : null}
          <LanguageSwitch />
        </div>
      </div>
    </header>
  );
}

export function Layout() {
  const { t } = useTranslation();
  const { loadError, reload } = useSession();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // On client-side navigation, move focus to the new page's content so
  // keyboard and screen reader users start from there.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus();
    window.scrollTo(0, 0);
  }, [location.pathname]);

  return (
    <>
      <Header />
      <main id="main" ref={mainRef} tabIndex={-1} className="site-main">
        {loadError ? (
          <div role="alert" className="alert alert--error">
            <p>{errorMessage(loadError)}</p>
            <button type="button" className="button button--secondary" onClick={() => void reload()}>
              {t("common.retry")}
            </button>
          </div>
        ) : null}
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t("app.footer")}</p>
      </footer>
    </>
  );
}

/** Sends anonymous visitors to /login?next=<here>. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    if (user === null) {
      const next = location.pathname + location.search + location.hash;
      void navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
    }
  }, [user, location, navigate]);
  if (!user) return <Loading />;
  return <>{children}</>;
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <h1 aria-busy="true">{t("app.loading")}</h1>
    </div>
  );
}

/** A safe in-app path from ?next=, or "/". */
export function safeNext(value: string | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  return value;
}
