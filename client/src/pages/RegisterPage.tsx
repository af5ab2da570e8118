// /dossiers/:id/register — the dossier's register of decisions: its
// verification, its head fingerprint (to copy, or to check one received), and
// its entries, newest first.

import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import * as api from "../api/client";
import type { RegisterData, RegisterEntry, RegisterVerification } from "../api/types";
import { copyText } from "../components/copy";
import { ErrorAlert, StatusMessage, TextField } from "../components/forms";
import { Loading } from "../components/Layout";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { useDossier } from "../components/useDossier";
import { useLocale } from "../i18n/format";
import { DossierNotFound } from "./dossier/DossierNotFound";

const HEX64 = /^[0-9a-f]{64}$/;
const SHORT_HASH = 12;

/** The French (or English) label of an entry kind; an unknown kind is shown as stored. */
function useKindLabel() {
  const { t } = useLocale();
  return useCallback((kind: string) => t(`register.kinds.${kind}`, { defaultValue: kind }), [t]);
}

/** One content value as plain text (React escapes it: never rendered as HTML). */
function valueText(value: unknown, t: (key: string) => string): string {
  if (value === null || value === undefined || value === "") return t("register.emptyValue");
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? t("register.yes") : t("register.no");
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === "string" || typeof item === "number")) {
    return value.join(", ");
  }
  // A value read from the API's JSON always stringifies back.
  return JSON.stringify(value);
}

function EntryContent({ content }: { content: Record<string, unknown> }) {
  const { t } = useLocale();
  const keys = Object.keys(content);
  if (keys.length === 0) return <p className="hint">{t("register.noContent")}</p>;
  return (
    <dl className="register-content">
      {keys.map((key) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{valueText(content[key], t)}</dd>
        </div>
      ))}
    </dl>
  );
}

function EntryItem({ entry, bad }: { entry: RegisterEntry; bad: boolean }) {
  const { t, dateTime } = useLocale();
  const kindLabel = useKindLabel();
  const headingId = `entry-${entry.sequence}-heading`;
  return (
    <li id={`entry-${entry.sequence}`} tabIndex={-1} className={`card register-entry${bad ? " register-entry--bad" : ""}`}>
      <h3 id={headingId} className="register-entry__title">
        {t("register.entryTitle", { sequence: entry.sequence, kind: kindLabel(entry.kind) })}
      </h3>
      {bad ? (
        <p className="register-entry__flag">
          <span aria-hidden="true">⚠ </span>
          {t("register.entryBad")}
        </p>
      ) : null}
      <p className="register-entry__meta">
        <time dateTime={entry.created_at}>{t("register.recordedOn", { date: dateTime(entry.created_at) })}</time>
        <span className="register-entry__hash">
          {t("register.entryHash")}{" "}
          <code title={entry.hash} aria-hidden="true">
            {entry.hash.slice(0, SHORT_HASH)}…
          </code>
          <span className="sr-only">{t("register.fullHash", { hash: entry.hash })}</span>
        </span>
      </p>
      <EntryContent content={entry.content} />
    </li>
  );
}

/** The verification of the whole chain: a status when intact, an alert naming the first bad entry otherwise. */
function VerificationBadge({ verification, checking }: { verification: RegisterVerification | null; checking: boolean }) {
  const { t, lang } = useLocale();
  const ok = verification?.ok === true && !checking;
  const bad = verification !== null && !verification.ok && !checking;
  const problem = verification ? (lang === "fr" ? verification.problem_fr : verification.problem) ?? verification.problem_fr : null;
  return (
    <>
      <div role="status" className={ok ? "verify-badge verify-badge--ok" : checking ? "verify-badge verify-badge--checking" : "status-message--empty"}>
        {checking ? t("register.checking") : null}
        {ok && verification ? (
          <p>
            {verification.length === 0 ? t("register.verifiedEmpty") : t("register.verified", { count: verification.length })}
          </p>
        ) : null}
      </div>
      {bad && verification ? (
        <div role="alert" className="alert alert--error verify-badge--bad">
          <p className="alert__title">
            <span aria-hidden="true">⚠ </span>
            {t("register.tampered")}
          </p>
          {problem ? <p className="long-text">{problem}</p> : null}
          {verification.first_bad_sequence !== null ? (
            <p>
              {t("register.firstBad", { sequence: verification.first_bad_sequence })}{" "}
              <a href={`#entry-${verification.first_bad_sequence}`}>
                {t("register.firstBadLink", { sequence: verification.first_bad_sequence })}
              </a>
            </p>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

function HeadFingerprint({ head, trusted }: { head: string; trusted: boolean }) {
  const { t } = useLocale();
  // Message keys, so that the feedback follows a language change.
  const [feedback, setFeedback] = useState<"register.headCopied" | "register.copyFailed" | null>(null);
  const copy = async () => {
    setFeedback(null);
    const ok = await copyText(head);
    setFeedback(ok ? "register.headCopied" : "register.copyFailed");
  };
  return (
    <section aria-labelledby="head-heading" className="block">
      <h2 id="head-heading">{t("register.headHeading")}</h2>
      <p id="head-explain">{t("register.headExplain")}</p>
      {!trusted ? <p className="notice">{t("register.headUntrusted")}</p> : null}
      <p className="hash-block">
        <code id="head-hash">{head}</code>
      </p>
      <div className="button-row">
        <button type="button" className="button button--small" onClick={() => void copy()} aria-describedby="head-explain">
          {t("register.copyHead")}
        </button>
        <StatusMessage message={feedback ? t(feedback) : null} />
      </div>
    </section>
  );
}

type CheckResult = { kind: "found" } | { kind: "notFound" } | { kind: "broken"; sequence: number };

function FingerprintCheck({ dossierId }: { dossierId: number }) {
  const { t } = useLocale();
  const [value, setValue] = useState("");
  const [invalid, setInvalid] = useState(false);
  const [result, setResult] = useState<CheckResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    // Receipts may wrap or space the fingerprint: keep only its characters.
    const head = value.replace(/\s+/g, "").toLowerCase();
    setResult(null);
    setFailure(null);
    if (!HEX64.test(head)) {
      setInvalid(true);
      inputRef.current?.focus();
      return;
    }
    setInvalid(false);
    setBusy(true);
    try {
      const verification = await api.verifyRegister(dossierId, head);
      if (verification.ok) setResult({ kind: "found" });
      else if (verification.first_bad_sequence !== null) setResult({ kind: "broken", sequence: verification.first_bad_sequence });
      else setResult({ kind: "notFound" });
    } catch (reason) {
      if (api.isApiError(reason, "validation_error")) {
        setInvalid(true);
        inputRef.current?.focus();
      } else {
        setFailure(api.errorMessage(reason));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="check-heading" className="block">
      <h2 id="check-heading">{t("register.checkHeading")}</h2>
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="check-heading" className="fingerprint-form">
        <TextField
          id="check-head"
          label={t("register.checkLabel")}
          hint={t("register.checkHint")}
          value={value}
          onValueChange={setValue}
          error={invalid ? t("register.checkInvalid") : null}
          announceError
          inputRef={inputRef}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          className="fingerprint-field"
        />
        <button type="submit" className="button button--secondary" aria-disabled={busy || undefined}>
          {t("register.checkSubmit")}
        </button>
      </form>
      <StatusMessage message={result?.kind === "found" ? t("register.checkFound") : null} />
      {result?.kind === "notFound" ? (
        <div role="alert" className="alert alert--error">
          <p>{t("register.checkNotFound")}</p>
        </div>
      ) : null}
      {result?.kind === "broken" ? (
        <div role="alert" className="alert alert--error">
          <p>{t("register.checkChainBroken", { sequence: result.sequence })}</p>
        </div>
      ) : null}
      <ErrorAlert message={failure} />
    </section>
  );
}

export function RegisterPage() {
  const { id } = useParams();
  const dossierId = Number(id);
  const { t } = useLocale();
  const { dossier, error: dossierError } = useDossier(dossierId);
  const [register, setRegister] = useState<RegisterData | null>(null);
  const [verification, setVerification] = useState<RegisterVerification | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useDocumentTitle(dossier ? `${t("register.title")} — ${dossier.title}` : t("register.title"));

  const load = useCallback(async () => {
    setChecking(true);
    setError(null);
    try {
      const [data, result] = await Promise.all([api.getRegister(dossierId), api.verifyRegister(dossierId)]);
      setRegister(data);
      setVerification(result);
    } catch (reason) {
      setError(reason);
    } finally {
      setChecking(false);
    }
  }, [dossierId]);

  const loadedId = dossier?.id;
  useEffect(() => {
    if (loadedId === undefined) return;
    void load();
  }, [loadedId, load]);

  if (dossierError && !dossier) return <DossierNotFound error={dossierError} />;
  if (!dossier) return <Loading />;

  const entries = register ? [...register.entries].sort((a, b) => b.sequence - a.sequence) : null;
  const firstBad = verification && !verification.ok ? verification.first_bad_sequence : null;

  return (
    <div className="page">
      <div className="page-header">
        <h1>{t("register.heading")}</h1>
        <p className="lead">{t("register.dossierLine", { title: dossier.title })}</p>
        <p>
          <Link to={`/dossiers/${dossier.id}`}>{t("register.backToDossier")}</Link>
        </p>
        <p>{t("register.intro")}</p>
      </div>

      <section aria-labelledby="verify-heading" className="block">
        <h2 id="verify-heading">{t("register.verifyHeading")}</h2>
        <VerificationBadge verification={verification} checking={checking} />
        {error ? <ErrorAlert message={api.errorMessage(error)} /> : null}
        <div className="button-row">
          <button type="button" className="button button--secondary" onClick={() => (checking ? undefined : void load())} aria-disabled={checking || undefined}>
            {t("register.recheck")}
          </button>
        </div>
      </section>

      {register ? <HeadFingerprint head={register.head} trusted={verification?.ok !== false} /> : null}

      <FingerprintCheck dossierId={dossier.id} />

      <section aria-labelledby="timeline-heading" className="block">
        <h2 id="timeline-heading">{t("register.timelineHeading")}</h2>
        {entries === null ? (
          error ? null : <p aria-busy="true">{t("app.loading")}</p>
        ) : entries.length === 0 ? (
          <p className="empty">{t("register.empty")}</p>
        ) : (
          <ol className="register-timeline">
            {entries.map((entry) => (
              <EntryItem key={`${entry.sequence}-${entry.hash}`} entry={entry} bad={entry.sequence === firstBad} />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
