// /dossiers/:id/decisions/:decisionId — one collegial decision: the proposal
// and its history, the rule in plain words, the vote (pour / contre /
// abstention, or consent / objection with its reason), the integration round
// under consent, who has voted (live), the close and the outcome with its
// statement. Also exports the pieces the list and the minutes pages share.

import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode, type Ref, type TextareaHTMLAttributes } from "react";
import { Link, useParams } from "react-router";
import * as api from "../../api/client";
import type { Choice, Decision, DecisionOutcome, RuleName, Tally, VoteState } from "../../api/governance";
import {
  amendDecision,
  closeDecision,
  getDecision,
  setObjection,
  stateOutcome,
  voteOnDecision,
} from "../../api/governance";
import type { Dossier } from "../../api/types";
import { copyText } from "../../components/copy";
import { ExportButtons } from "../../components/ExportButtons";
import { describedBy, ErrorAlert, FieldError, StatusMessage } from "../../components/forms";
import { Loading } from "../../components/Layout";
import { ConfirmDialog } from "../../components/Modal";
import { useDocumentTitle } from "../../components/useDocumentTitle";
import { useDossier } from "../../components/useDossier";
import i18n from "../../i18n";
import { useLocale } from "../../i18n/format";
import { useDossierNotices } from "../../live/notices";
import { useSession } from "../../session/SessionContext";
import { DossierNotFound } from "../dossier/DossierNotFound";

// --- shared pieces ------------------------------------------------------------------

export const RULES: readonly RuleName[] = ["majorite_simple", "majorite_qualifiee", "consentement", "unanimite"];
export const SHORT_HASH = 12;
const REASON_MAX = 4000;
const LONG_TEXT_MAX = 20000;

type T = ReturnType<typeof useLocale>["t"];

/** The plain-French message of an API refusal on a decision (decisions.errors.<code>, else the app-wide one). */
export function decisionErrorMessage(error: unknown, t: T): string {
  if (api.isApiError(error)) {
    if (error.code === "voters_without_college") {
      const names = error.details.map((detail) => detail.message).filter(Boolean);
      return names.length
        ? t("decisions.errors.voters_without_college_names", { names: names.join(", ") })
        : t("decisions.errors.voters_without_college");
    }
    const key = `decisions.errors.${error.code}`;
    if (i18n.exists(key)) return t(key);
  }
  return api.errorMessage(error);
}

/** How many participants the quorum asks for. */
export function quorumNeed(percent: number, eligible: number): number {
  return Math.ceil((percent * eligible) / 100 - 1e-9);
}

/** A weight sent as a fraction string ("1/3", "2") as a short number in the UI language. */
export function formatWeight(value: string, lang: "fr" | "en"): string {
  const [num, den] = value.split("/");
  const n = Number(num) / (den === undefined ? 1 : Number(den));
  if (!Number.isFinite(n)) return value;
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: 2 }).format(n);
}

/** The label of a choice under the decision's rule ("Consent" for pour under consent). */
export function choiceLabel(t: T, rule: RuleName, choice: Choice): string {
  return rule === "consentement" ? t(`decisions.consentChoices.${choice}`) : t(`decisions.choices.${choice}`);
}

export function StateBadge({ state, adopted }: { state: VoteState; adopted: boolean | null }) {
  const { t } = useLocale();
  if (state === "closed") {
    return (
      <span className={`badge decision-badge ${adopted ? "decision-badge--adopted" : "decision-badge--rejected"}`}>
        {adopted ? t("decisions.adopted") : t("decisions.notAdopted")}
      </span>
    );
  }
  return <span className={`badge decision-badge decision-badge--${state}`}>{t(`decisions.states.${state}`)}</span>;
}

export function votedCountText(t: T, voted: number, eligible: number): string {
  return voted === 0 ? t("decisions.votedNone", { total: eligible }) : t("decisions.votedCount", { count: voted, total: eligible });
}

/** A content hash: its short form (full one in the title and for screen readers) and a copy button. */
export function HashValue({ hash }: { hash: string }) {
  const { t } = useLocale();
  const [feedback, setFeedback] = useState<"decisions.hashCopied" | "decisions.copyFailed" | null>(null);
  const copy = async () => {
    setFeedback(null);
    setFeedback((await copyText(hash)) ? "decisions.hashCopied" : "decisions.copyFailed");
  };
  return (
    <span className="dhash">
      <code title={hash} aria-hidden="true" className="dhash__short">
        {hash.slice(0, SHORT_HASH)}…
      </code>
      <span className="sr-only">{t("decisions.hashFull", { hash })}</span>
      <button type="button" className="button button--small button--secondary no-print" onClick={() => void copy()}>
        {t("decisions.copyHash")}
      </button>
      <StatusMessage message={feedback ? t(feedback) : null} />
    </span>
  );
}

interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "onChange" | "value"> {
  id: string;
  label: ReactNode;
  value: string;
  onValueChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | null;
  textareaRef?: Ref<HTMLTextAreaElement>;
}

/** A labelled <textarea> with its hint and error tied to it, like the fields of components/forms. */
export function TextAreaField({ id, label, value, onValueChange, hint, error, textareaRef, className, ...rest }: TextAreaFieldProps) {
  return (
    <div className={`field${error ? " field--invalid" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        ref={textareaRef}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...rest}
      />
      <FieldError id={id} error={error} />
    </div>
  );
}

/** The tallies, overall and per collège (with the weights when there are collèges). */
export function TallyTable({ decision, outcome }: { decision: Decision; outcome: DecisionOutcome }) {
  const { t, lang } = useLocale();
  const captionId = useId();
  const consent = decision.rule === "consentement";
  const collegeIds = Object.keys(outcome.colleges);
  const columns: { key: string; head: string; tally: Tally; weight: number | null }[] = [
    { key: "all", head: t("decisions.tally.overall"), tally: outcome.overall, weight: null },
    ...collegeIds.flatMap((cid) => {
      const tally = outcome.colleges[cid];
      if (!tally) return [];
      const college = decision.colleges[cid];
      return [{ key: cid, head: t("decisions.tally.collegeHead", { name: college?.name ?? cid }), tally, weight: college?.weight ?? null }];
    }),
  ];
  const weighted = collegeIds.length > 0;
  const rows: { key: string; label: string; cell: (tally: Tally, weight: number | null) => string }[] = [
    { key: "eligible", label: t("decisions.tally.eligible"), cell: (x) => String(x.eligible) },
    { key: "participants", label: t("decisions.tally.participants"), cell: (x) => String(x.participants) },
    { key: "pour", label: consent ? t("decisions.tally.consent") : t("decisions.tally.pour"), cell: (x) => String(x.pour) },
    ...(consent ? [] : [{ key: "contre", label: t("decisions.tally.contre"), cell: (x: Tally) => String(x.contre) }]),
    { key: "abstention", label: t("decisions.tally.abstention"), cell: (x) => String(x.abstention) },
    ...(consent
      ? [
          { key: "om", label: t("decisions.tally.objectionsMaintained"), cell: (x: Tally) => String(x.objections_maintained) },
          { key: "ow", label: t("decisions.tally.objectionsWithdrawn"), cell: (x: Tally) => String(x.objections_withdrawn) },
        ]
      : []),
    ...(weighted && !consent
      ? [
          { key: "cw", label: t("decisions.tally.collegeWeight"), cell: (x: Tally, w: number | null) => (w === null ? formatWeight(x.total_weight, lang) : String(w)) },
          { key: "wp", label: t("decisions.tally.weightPour"), cell: (x: Tally) => formatWeight(x.weight_pour, lang) },
          { key: "wc", label: t("decisions.tally.weightContre"), cell: (x: Tally) => formatWeight(x.weight_contre, lang) },
          { key: "wa", label: t("decisions.tally.weightAbstention"), cell: (x: Tally) => formatWeight(x.weight_abstention, lang) },
        ]
      : []),
  ];
  return (
    <>
      <div className="dtable-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table className="dtable dtable--tally">
          <caption id={captionId} className="sr-only">
            {t("decisions.tally.caption")}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("decisions.tally.scope")}</th>
              {columns.map((column) => (
                <th key={column.key} scope="col">
                  {column.head}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.label}</th>
                {columns.map((column) => (
                  <td key={column.key}>{row.cell(column.tally, column.weight)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {weighted && !consent ? <p className="hint">{t("decisions.tally.weightNote")}</p> : null}
    </>
  );
}

/** An adopted priority order that could not be applied at the close (the actions had changed), said plainly. */
export function OrderNotApplied({ outcome }: { outcome: DecisionOutcome }) {
  const { t } = useLocale();
  const code = outcome.order_not_applied;
  if (!code) return null;
  const key = `decisions.errors.${code}`;
  return (
    <p className="notice">
      {t("decisions.page.orderNotApplied", { reason: i18n.exists(key) ? t(key) : code })}
    </p>
  );
}

/** Loads the dossier and one decision, refetching it on every live governance notice. */
export function useDecision(dossierId: number, decisionId: number) {
  const { dossier, error: dossierError, reload: reloadDossier } = useDossier(dossierId);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const ticket = ++latest.current;
    try {
      const value = await getDecision(dossierId, decisionId);
      if (ticket !== latest.current) return;
      setDecision(value);
      setError(null);
    } catch (reason) {
      if (ticket === latest.current) setError(reason);
    }
  }, [dossierId, decisionId]);

  /** A decision returned by one of our own calls: newer than any load in flight. */
  const replace = useCallback((value: Decision) => {
    latest.current += 1;
    setDecision(value);
    setError(null);
  }, []);

  const loadedId = dossier?.id;
  useEffect(() => {
    if (loadedId === undefined || !Number.isInteger(decisionId)) return;
    void load();
  }, [loadedId, decisionId, load]);

  useDossierNotices(dossierId, (notice) => {
    if (notice.event === "dossier") void reloadDossier();
    if (notice.event === "governance" || notice.event === "dossier") void load();
  });

  return { dossier, dossierError, decision, error, replace };
}

/** The error page of a decision that could not be loaded. */
export function DecisionLoadError({ dossier, error }: { dossier: Dossier; error: unknown }) {
  const { t } = useLocale();
  const notFound = api.isApiError(error, "not_found");
  return (
    <div className="page">
      <h1>{notFound ? t("notFound.title") : t("decisions.page.loadFailed")}</h1>
      <ErrorAlert message={notFound ? t("decisions.page.notFound") : decisionErrorMessage(error, t)} />
      <p>
        <Link to={`/dossiers/${dossier.id}/decisions`}>{t("decisions.backToList")}</Link>
      </p>
    </div>
  );
}

// --- the proposal and the rule ------------------------------------------------------

function Proposal({ decision, dossierId }: { decision: Decision; dossierId: number }) {
  const { t, dateTime } = useLocale();
  const current = decision.revisions.at(-1)?.number ?? 1;
  const amendments = decision.revisions.length - 1;
  return (
    <section aria-labelledby="proposal-heading" className="block">
      <h2 id="proposal-heading">{t("decisions.page.proposalHeading")}</h2>
      <div className="card dproposal">
        <div className="dproposal__text pre-line long-text">{decision.text}</div>
        <dl className="facts facts--inline facts--stacked">
          <div>
            <dt>{t("decisions.page.proposer")}</dt>
            <dd>{decision.proposer.name}</dd>
          </div>
          <div>
            <dt>{t("decisions.page.openedAt")}</dt>
            <dd>
              <time dateTime={decision.opened_at}>{dateTime(decision.opened_at)}</time>
            </dd>
          </div>
          <div>
            <dt>{t("decisions.page.kind")}</dt>
            <dd>{t(`decisions.kinds.${decision.kind}`)}</dd>
          </div>
          <div>
            <dt>{t("decisions.page.version")}</dt>
            <dd>
              {amendments > 0
                ? t("decisions.page.versionAmended", { number: current, count: amendments })
                : t("decisions.page.versionValue", { number: current })}
            </dd>
          </div>
        </dl>
        {decision.poll_id !== null ? (
          <p>
            <Link to={`/dossiers/${dossierId}/priorites/${decision.poll_id}`}>
              {t("decisions.page.pollLink", { poll: decision.poll_id })}
            </Link>
          </p>
        ) : null}
        {decision.revisions.length > 1 ? (
          <details className="dhistory">
            <summary>{t("decisions.page.historySummary", { count: decision.revisions.length })}</summary>
            <ol className="dhistory__list" reversed>
              {[...decision.revisions].reverse().map((revision) => (
                <li key={revision.number} className="dhistory__item">
                  <p className="dhistory__title">
                    <strong>{t("decisions.page.historyVersion", { number: revision.number, date: dateTime(revision.created_at) })}</strong>
                    {revision.number === current ? ` ${t("decisions.page.historyCurrent")}` : null}
                  </p>
                  {revision.note || revision.number === 1 ? (
                    <p className="hint">
                      {revision.note ? t("decisions.page.historyNote", { note: revision.note }) : t("decisions.page.historyFirst")}
                    </p>
                  ) : null}
                  <div className="dhistory__text pre-line long-text">{revision.text}</div>
                </li>
              ))}
            </ol>
          </details>
        ) : null}
      </div>
    </section>
  );
}

function HowWeDecide({ decision }: { decision: Decision }) {
  const { t, dateTime } = useLocale();
  const eligible = decision.eligible_count;
  const need = quorumNeed(decision.quorum_percent, eligible);
  const hasColleges = Object.keys(decision.colleges).length > 0;
  return (
    <section aria-labelledby="rules-heading" className="block">
      <h2 id="rules-heading">{t("decisions.page.rulesHeading")}</h2>
      <dl className="drules">
        <div>
          <dt>{t("decisions.page.rule")}</dt>
          <dd>
            <strong>{t(`decisions.rules.${decision.rule}`)}</strong>
            <p>{t(`decisions.ruleExplain.${decision.rule}`)}</p>
            {decision.rule === "consentement" ? <p>{t("decisions.consentSilence")}</p> : null}
          </dd>
        </div>
        <div>
          <dt>{t("decisions.page.quorum")}</dt>
          <dd>
            <p>
              {decision.quorum_percent === 0
                ? t("decisions.page.quorumNone")
                : t("decisions.page.quorumValue", { percent: decision.quorum_percent, count: need, eligible })}
            </p>
            {decision.quorum_percent > 0 ? <p className="hint">{t("decisions.page.quorumNote")}</p> : null}
          </dd>
        </div>
        <div>
          <dt>{t("decisions.page.closes")}</dt>
          <dd>
            <time dateTime={decision.closes_at}>{dateTime(decision.closes_at)}</time>
          </dd>
        </div>
        <div>
          <dt>{t("decisions.page.ballot")}</dt>
          <dd>{decision.secret ? t("decisions.page.secret") : t("decisions.page.named")}</dd>
        </div>
        {decision.require_every_college ? (
          <div>
            <dt>{t("decisions.page.everyCollege")}</dt>
            <dd>{hasColleges ? t("decisions.page.everyCollegeValue") : t("decisions.page.everyCollegeNoCollege")}</dd>
          </div>
        ) : null}
        {decision.content_hash ? (
          <div>
            <dt>{t("decisions.page.boundHeading")}</dt>
            <dd>
              <p>{t("decisions.page.boundValue")}</p>
              <div className="dhash-line">
                {t("decisions.page.hashLabel")} <HashValue hash={decision.content_hash} />
              </div>
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

// --- voting -----------------------------------------------------------------------

function VotePanel({ decision, dossierId, onDecision }: { decision: Decision; dossierId: number; onDecision: (d: Decision) => void }) {
  const { t, dateTime } = useLocale();
  const consent = decision.rule === "consentement";
  const choices: Choice[] = consent ? ["pour", "abstention", "objection"] : ["pour", "contre", "abstention"];
  const mine = decision.my_vote;
  const current = decision.revisions.at(-1)?.number ?? 1;
  const [objecting, setObjecting] = useState(false);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const objectButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (objecting) reasonRef.current?.focus();
  }, [objecting]);

  const run = async (call: () => Promise<Decision>, success: (d: Decision) => string) => {
    if (busy) return false;
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      const updated = await call();
      onDecision(updated);
      setStatus(success(updated));
      return true;
    } catch (reason) {
      setError(decisionErrorMessage(reason, t));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const label = (choice: Choice) => {
    if (!consent) return t(`decisions.choices.${choice}`);
    if (choice === "pour") return t("decisions.page.voteConsent");
    if (choice === "objection") return t("decisions.page.voteObject");
    return t("decisions.page.voteAbstain");
  };

  const onChoice = (choice: Choice) => {
    if (choice === "objection") {
      setReason(mine?.choice === "objection" ? mine.reason ?? "" : "");
      setReasonError(null);
      setObjecting(true);
      return;
    }
    setObjecting(false);
    void run(
      () => voteOnDecision(dossierId, decision.id, choice),
      () => t("decisions.page.voteSaved", { choice: label(choice) }),
    );
  };

  const onObjection = async (event: FormEvent) => {
    event.preventDefault();
    const text = reason.trim();
    if (!text) {
      setReasonError(t("decisions.page.objectionRequired"));
      reasonRef.current?.focus();
      return;
    }
    setReasonError(null);
    const ok = await run(() => voteOnDecision(dossierId, decision.id, "objection", text), () => t("decisions.page.objectionSaved"));
    if (ok) {
      setObjecting(false);
      objectButton.current?.focus();
    }
  };

  return (
    <section aria-labelledby="vote-heading" className="block vote-panel card">
      <h2 id="vote-heading">{t("decisions.page.voteHeading")}</h2>
      <p className="vote-panel__mine">
        <strong>{mine?.choice ? t("decisions.page.myVote", { choice: label(mine.choice) }) : t("decisions.page.notVotedYet")}</strong>
      </p>
      {decision.secret ? <p className="hint">{t("decisions.page.myVoteSecret")}</p> : null}
      <p className="hint">{t("decisions.page.changeUntil", { date: dateTime(decision.closes_at) })}</p>
      {consent ? <p id="consent-hint">{t("decisions.page.consentHint")}</p> : null}
      <div role="group" aria-label={t("decisions.page.voteGroup")} className="vote-buttons">
        {choices.map((choice) => (
          <button
            key={choice}
            type="button"
            ref={choice === "objection" ? objectButton : undefined}
            className={`button button--large vote-button vote-button--${choice}`}
            aria-pressed={mine?.choice === choice}
            aria-disabled={busy || undefined}
            aria-describedby={consent ? "consent-hint" : undefined}
            onClick={() => (busy ? undefined : onChoice(choice))}
          >
            <span aria-hidden="true" className="vote-button__mark">
              {mine?.choice === choice ? "✓" : ""}
            </span>
            {label(choice)}
          </button>
        ))}
      </div>

      {objecting ? (
        <form onSubmit={(event) => void onObjection(event)} noValidate aria-labelledby="objection-form-heading" className="objection-form">
          <h3 id="objection-form-heading">{t("decisions.page.objectionFormHeading")}</h3>
          <TextAreaField
            id="objection-reason"
            label={t("decisions.page.objectionLabel")}
            hint={decision.secret ? t("decisions.page.objectionHintSecret") : t("decisions.page.objectionHint")}
            value={reason}
            onValueChange={setReason}
            error={reasonError}
            textareaRef={reasonRef}
            rows={4}
            maxLength={REASON_MAX}
            required
          />
          <div className="button-row">
            <button type="submit" className="button" aria-disabled={busy || undefined}>
              {t("decisions.page.objectionSubmit")}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setObjecting(false);
                objectButton.current?.focus();
              }}
            >
              {t("common.cancel")}
            </button>
          </div>
        </form>
      ) : null}

      {mine?.choice === "objection" && !objecting ? (
        <div className="my-objection">
          <p className="long-text">{t("decisions.page.myObjection", { reason: mine.reason ?? "" })}</p>
          <p>
            <strong>{mine.maintained ? t("decisions.page.myObjectionMaintained") : t("decisions.page.myObjectionWithdrawn")}</strong>
          </p>
          {mine.revision !== null && mine.revision < current ? (
            <p className="notice">{t("decisions.page.objectionOutdated", { mine: mine.revision, current })}</p>
          ) : null}
          <div className="button-row">
            <button
              type="button"
              className="button button--secondary"
              aria-disabled={busy || undefined}
              onClick={() => void run(() => setObjection(dossierId, decision.id, true), () => t("decisions.page.maintained"))}
            >
              {t("decisions.page.maintain")}
            </button>
            <button
              type="button"
              className="button button--secondary"
              aria-disabled={busy || undefined}
              onClick={() => void run(() => setObjection(dossierId, decision.id, false), () => t("decisions.page.withdrawn"))}
            >
              {t("decisions.page.withdraw")}
            </button>
          </div>
        </div>
      ) : null}

      <StatusMessage message={status} />
      <ErrorAlert message={error} />
    </section>
  );
}

function AmendForm({ decision, dossierId, onDecision }: { decision: Decision; dossierId: number; onDecision: (d: Decision) => void }) {
  const { t } = useLocale();
  const [text, setText] = useState(decision.text);
  const [note, setNote] = useState("");
  const [textError, setTextError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setStatus(null);
    setError(null);
    if (!text.trim()) {
      setTextError(t("decisions.page.amendRequired"));
      textRef.current?.focus();
      return;
    }
    setTextError(null);
    setBusy(true);
    try {
      const updated = await amendDecision(dossierId, decision.id, text.trim(), note.trim() || undefined);
      onDecision(updated);
      setText(updated.text);
      setNote("");
      setStatus(t("decisions.page.amended", { number: updated.revisions.at(-1)?.number ?? 1 }));
    } catch (reason) {
      setError(decisionErrorMessage(reason, t));
      if (api.isApiError(reason, "text_unchanged")) textRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="amend-heading" className="block card amend">
      <h2 id="amend-heading">{t("decisions.page.amendHeading")}</h2>
      <p>{t("decisions.page.amendIntro")}</p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="amend-heading">
        <ErrorAlert message={error} />
        <TextAreaField
          id="amend-text"
          label={t("decisions.page.amendTextLabel")}
          value={text}
          onValueChange={setText}
          error={textError}
          textareaRef={textRef}
          rows={6}
          maxLength={LONG_TEXT_MAX}
          required
        />
        <TextAreaField
          id="amend-note"
          label={t("decisions.page.amendNoteLabel")}
          hint={t("decisions.page.amendNoteHint")}
          value={note}
          onValueChange={setNote}
          rows={2}
          maxLength={REASON_MAX}
        />
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {t("decisions.page.amendSubmit")}
        </button>
      </form>
      <StatusMessage message={status} />
    </section>
  );
}

function Objections({ decision }: { decision: Decision }) {
  const { t } = useLocale();
  return (
    <section aria-labelledby="objections-heading" className="block">
      <h2 id="objections-heading">{t("decisions.page.objectionsHeading")}</h2>
      {decision.objections.length === 0 ? (
        <p className="empty">{t("decisions.page.noObjection")}</p>
      ) : (
        <ul className="dobjections">
          {decision.objections.map((objection, index) => (
            <li key={index} className={`card dobjection dobjection--${objection.maintained ? "maintained" : "withdrawn"}`}>
              <p className="dobjection__head">
                <strong>
                  {objection.voter
                    ? t("decisions.page.objectionBy", { name: objection.voter })
                    : t("decisions.page.objectionAnonymous")}
                </strong>{" "}
                <span className={`badge dobjection__state dobjection__state--${objection.maintained ? "maintained" : "withdrawn"}`}>
                  {objection.maintained ? t("decisions.page.objectionMaintained") : t("decisions.page.objectionWithdrawn")}
                </span>{" "}
                <span className="hint">{t("decisions.page.objectionOnVersion", { number: objection.revision })}</span>
              </p>
              <blockquote className="dobjection__reason pre-line long-text">{objection.reason}</blockquote>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Voters({ decision, meId }: { decision: Decision; meId: number | null }) {
  const { t } = useLocale();
  const open = decision.state === "open";
  return (
    <section aria-labelledby="voters-heading" className="block">
      <h2 id="voters-heading">{t("decisions.page.votersHeading")}</h2>
      <p role="status" className="dvoters__count">
        <strong>{votedCountText(t, decision.voted_count, decision.eligible_count)}</strong>
      </p>
      <p className="hint">
        {decision.secret ? t("decisions.page.votersIntroSecret") : t("decisions.page.votersIntroNamed")}
        {open ? ` ${t("decisions.page.liveNote")}` : null}
      </p>
      <ul className="dvoters">
        {decision.voters.map((voter) => {
          const choice = voter.choice ? choiceLabel(t, decision.rule, voter.choice) : null;
          return (
            <li key={voter.user_id} className={`dvoter${voter.voted ? " dvoter--voted" : ""}`}>
              <span className="dvoter__mark" aria-hidden="true">
                {voter.voted ? "✓" : "…"}
              </span>
              <span className="dvoter__who">
                <strong>{voter.name}</strong>
                {voter.user_id === meId ? ` ${t("decisions.page.you")}` : null}
                <span className="dvoter__meta">
                  {" "}
                  — {t(`roles.${voter.role}`)}
                  {voter.college ? `, ${t("decisions.page.college", { name: voter.college })}` : null}
                </span>
              </span>
              <span className="dvoter__status">
                {voter.left
                  ? voter.voted
                    ? t("decisions.page.leftVoted")
                    : t("decisions.page.leftNotVoted")
                  : voter.voted
                    ? t("decisions.page.voted")
                    : open
                      ? t("decisions.page.notVoted")
                      : t("decisions.page.didNotVote")}
                {choice ? (
                  <>
                    {t("decisions.page.choiceSep")}
                    <strong>{choice}</strong>
                    {voter.choice === "objection" && voter.maintained === false ? ` ${t("decisions.page.withdrawnSuffix")}` : null}
                  </>
                ) : null}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

// --- close, outcome, statement ------------------------------------------------------

function CloseSection({ decision, dossierId, onDecision }: { decision: Decision; dossierId: number; onDecision: (d: Decision) => void }) {
  const { t, dateTime } = useLocale();
  const missing = decision.eligible_count - decision.voted_count;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await closeDecision(dossierId, decision.id);
      setConfirming(false);
      onDecision(updated);
      requestAnimationFrame(() => document.getElementById("outcome-heading")?.focus());
    } catch (reason) {
      setError(decisionErrorMessage(reason, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="close-heading" className="block">
      <h2 id="close-heading">{t("decisions.page.closeHeading")}</h2>
      {decision.may_close ? (
        <>
          <p>
            {missing <= 0
              ? t("decisions.page.closeIntroAllVoted", { date: dateTime(decision.closes_at) })
              : t("decisions.page.closeIntro", { date: dateTime(decision.closes_at) })}
          </p>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setError(null);
              setConfirming(true);
            }}
          >
            {t("decisions.page.closeNow")}
          </button>
        </>
      ) : (
        <p>{t("decisions.page.closeWhenAllVoted", { count: missing, date: dateTime(decision.closes_at) })}</p>
      )}
      <ConfirmDialog
        open={confirming}
        title={t("decisions.page.confirmCloseTitle")}
        text={t("decisions.page.confirmCloseText")}
        confirmLabel={t("decisions.page.confirmClose")}
        onConfirm={() => void confirm()}
        onCancel={() => setConfirming(false)}
        busy={busy}
        error={error}
      />
    </section>
  );
}

function StatementForm({ decision, dossierId, onDecision }: { decision: Decision; dossierId: number; onDecision: (d: Decision) => void }) {
  const { t } = useLocale();
  const [text, setText] = useState("");
  const [textError, setTextError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(null);
    if (!text.trim()) {
      setTextError(t("decisions.page.statementRequired"));
      textRef.current?.focus();
      return;
    }
    setTextError(null);
    setBusy(true);
    try {
      const updated = await stateOutcome(dossierId, decision.id, text.trim());
      onDecision(updated);
      requestAnimationFrame(() => document.getElementById("statement-heading")?.focus());
    } catch (reason) {
      setError(decisionErrorMessage(reason, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="statement-heading" className="statement-form">
      <ErrorAlert message={error} />
      <TextAreaField
        id="statement-text"
        label={t("decisions.page.statementLabel")}
        hint={t("decisions.page.statementHint")}
        value={text}
        onValueChange={setText}
        error={textError}
        textareaRef={textRef}
        rows={4}
        maxLength={LONG_TEXT_MAX}
        required
      />
      <button type="submit" className="button" aria-disabled={busy || undefined}>
        {t("decisions.page.statementSubmit")}
      </button>
    </form>
  );
}

function OutcomeSection({ decision, dossierId, onDecision }: { decision: Decision; dossierId: number; onDecision: (d: Decision) => void }) {
  const { t, lang, dateTime } = useLocale();
  const outcome = decision.outcome;
  if (!outcome) return null;
  const reasons = outcome.reasons[lang].length ? outcome.reasons[lang] : outcome.reasons.fr;
  return (
    <section aria-labelledby="outcome-heading" className={`block card doutcome doutcome--${outcome.adopted ? "adopted" : "rejected"}`}>
      <h2 id="outcome-heading" tabIndex={-1}>
        {t("decisions.page.outcomeHeading")}
      </h2>
      <p className="doutcome__verdict">
        <span aria-hidden="true">{outcome.adopted ? "✓ " : "✗ "}</span>
        {outcome.adopted ? t("decisions.adopted") : t("decisions.notAdopted")}
      </p>
      <OrderNotApplied outcome={outcome} />
      <h3>{t("decisions.page.whyHeading")}</h3>
      <ul className="doutcome__reasons">
        {reasons.map((reason, index) => (
          <li key={index} className="long-text">
            {reason}
          </li>
        ))}
      </ul>
      <h3>{t("decisions.page.tallyHeading")}</h3>
      <TallyTable decision={decision} outcome={outcome} />

      <h3 id="statement-heading" tabIndex={-1}>
        {t("decisions.page.statementHeading")}
      </h3>
      {decision.statement !== null ? (
        <div className="dstatement">
          <p className="pre-line long-text">{decision.statement}</p>
          {decision.statement_at ? (
            <p className="hint">{t("decisions.page.statementBy", { name: decision.proposer.name, date: dateTime(decision.statement_at) })}</p>
          ) : null}
        </div>
      ) : decision.may_state ? (
        <StatementForm decision={decision} dossierId={dossierId} onDecision={onDecision} />
      ) : (
        <p className="empty">{t("decisions.page.statementNone")}</p>
      )}

      <div className="doutcome__refs">
        {decision.register_sequence !== null ? <p>{t("decisions.page.registerEntry", { sequence: decision.register_sequence })}</p> : null}
        <ul className="dlinks">
        <li>
          <Link to={`/dossiers/${dossierId}/decisions/${decision.id}/pv`}>{t("decisions.page.minutesLink")}</Link>
        </li>
        <li>
          <Link to={`/dossiers/${dossierId}/register`}>{t("decisions.page.registerLink")}</Link>
        </li>
        </ul>
      </div>
      <ExportButtons
        target={{ kind: "minutes", dossierId, decisionId: decision.id }}
        heading={t("export.minutes.heading")}
        headingLevel={3}
      />
    </section>
  );
}

// --- the page -----------------------------------------------------------------------

export function DecisionPage() {
  const { id, decisionId: rawDecisionId } = useParams();
  const dossierId = Number(id);
  const decisionId = Number(rawDecisionId);
  const { t, dateTime } = useLocale();
  const { dossier, dossierError, decision, error, replace } = useDecision(dossierId, decisionId);
  const { user } = useSession();
  const meId = user?.id ?? null;

  useDocumentTitle(decision ? `${decision.title} — ${t("decisions.list.title")}` : t("decisions.list.title"));

  if (dossierError && !dossier) return <DossierNotFound error={dossierError} />;
  if (!dossier) return <Loading />;
  if (error && !decision) return <DecisionLoadError dossier={dossier} error={error} />;
  if (!decision) return <Loading />;

  const open = decision.state === "open";
  const me = meId !== null ? decision.voters.find((voter) => voter.user_id === meId) : undefined;

  return (
    <div className="page decision-page">
      <div className="page-header">
        <p className="dbreadcrumbs">
          <Link to={`/dossiers/${dossier.id}`}>{t("decisions.dossierLine", { title: dossier.title })}</Link>
          {" › "}
          <Link to={`/dossiers/${dossier.id}/decisions`}>{t("decisions.list.heading")}</Link>
        </p>
        <h1>{decision.title}</h1>
        <ul className="facts decision-facts">
          <li>
            <StateBadge state={decision.state} adopted={decision.adopted} />
          </li>
          <li>{t("decisions.list.rule", { rule: t(`decisions.rules.${decision.rule}`) })}</li>
          <li>{votedCountText(t, decision.voted_count, decision.eligible_count)}</li>
        </ul>
        {open ? (
          <p className="decision-banner decision-banner--open">{t("decisions.page.openBanner", { date: dateTime(decision.closes_at) })}</p>
        ) : decision.state === "closed" && decision.closed_at ? (
          <p className="decision-banner">{t("decisions.page.closedBanner", { date: dateTime(decision.closed_at) })}</p>
        ) : decision.state === "cancelled" ? (
          <p className="notice">{t("decisions.page.cancelledBanner", { date: dateTime(decision.closed_at ?? decision.closes_at) })}</p>
        ) : null}
        {decision.integration_round ? <p className="notice integration-notice">{t("decisions.page.integrationRound")}</p> : null}
      </div>

      {decision.state === "closed" ? <OutcomeSection decision={decision} dossierId={dossier.id} onDecision={replace} /> : null}

      <Proposal decision={decision} dossierId={dossier.id} />

      {decision.rule === "consentement" || decision.objections.length > 0 ? <Objections decision={decision} /> : null}

      {decision.may_amend ? <AmendForm decision={decision} dossierId={dossier.id} onDecision={replace} /> : null}

      {decision.may_vote ? (
        <VotePanel decision={decision} dossierId={dossier.id} onDecision={replace} />
      ) : open && (dossier.my_role === "observer" || !me) ? (
        <p className="notice">
          {dossier.my_role === "observer" ? t("decisions.page.cannotVoteObserver") : t("decisions.page.cannotVoteElectorate")}
        </p>
      ) : null}

      <HowWeDecide decision={decision} />

      <Voters decision={decision} meId={meId} />

      {decision.may_close || (open && (decision.proposer.user_id === meId || dossier.my_role === "lead")) ? (
        <CloseSection decision={decision} dossierId={dossier.id} onDecision={replace} />
      ) : null}

      <p>
        <Link to={`/dossiers/${dossier.id}/decisions`}>{t("decisions.backToList")}</Link>
      </p>
    </div>
  );
}
