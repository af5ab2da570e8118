// /dossiers/:id/decisions — the dossier's collegial decisions (open ones
// first, live) and, for leads and partners, the form to propose one. In a
// draft a decision is "general", or the adoption of a priority vote's result
// (?adopter=<pollId>); once the dossier is frozen, only its reopening.

import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import * as api from "../../api/client";
import type { DecisionSummary, NewDecision, RuleName } from "../../api/governance";
import { listDecisions, proposeDecision } from "../../api/governance";
import type { College, Dossier } from "../../api/types";
import { deadlineToIso, defaultDeadline } from "../../components/deadline";
import { ErrorAlert, focusFirstInvalid, SelectField, TextField } from "../../components/forms";
import { Loading } from "../../components/Layout";
import { useDocumentTitle } from "../../components/useDocumentTitle";
import { useDossier } from "../../components/useDossier";
import { useLocale } from "../../i18n/format";
import { useDossierNotices } from "../../live/notices";
import { DossierNotFound } from "../dossier/DossierNotFound";
import { decisionErrorMessage, RULES, StateBadge, TextAreaField, votedCountText } from "./DecisionPage";

const TITLE_MAX = 200;
const TEXT_MAX = 20000;

type Field = "title" | "text" | "quorum_percent" | "closes_at";
type Kind = NewDecision["kind"];

function CheckField({
  id,
  label,
  hint,
  checked,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="field dcheck">
      <input id={id} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} aria-describedby={`${id}-hint`} />
      <div>
        <label htmlFor={id}>{label}</label>
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      </div>
    </div>
  );
}

function ProposeForm({ dossier, colleges, pollId, onCancelAdopt }: { dossier: Dossier; colleges: College[]; pollId: number | null; onCancelAdopt: () => void }) {
  const { t } = useLocale();
  const navigate = useNavigate();
  const kind: Kind = dossier.state === "fige" ? "reopen" : pollId !== null ? "priority_order" : "general";
  const prefill = useCallback(
    (k: Kind) =>
      k === "reopen"
        ? { title: t("decisions.propose.titleReopen"), text: t("decisions.propose.textReopen") }
        : k === "priority_order"
          ? { title: t("decisions.propose.titleAdopt"), text: t("decisions.propose.textAdopt") }
          : { title: "", text: "" },
    [t],
  );
  const [title, setTitle] = useState(() => prefill(kind).title);
  const [text, setText] = useState(() => prefill(kind).text);
  const [rule, setRule] = useState<RuleName>("consentement");
  const [quorum, setQuorum] = useState("50");
  const [closesAt, setClosesAt] = useState(() => defaultDeadline(7));
  const [secret, setSecret] = useState(false);
  const [aboutText, setAboutText] = useState(kind !== "general");
  const [everyCollege, setEveryCollege] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const previousKind = useRef(kind);

  // The kind changes when the dossier is frozen or reopened live, or when ?adopter= comes or goes.
  useEffect(() => {
    if (previousKind.current === kind) return;
    const before = prefill(previousKind.current);
    const after = prefill(kind);
    setTitle((value) => (value.trim() === "" || value === before.title ? after.title : value));
    setText((value) => (value.trim() === "" || value === before.text ? after.text : value));
    previousKind.current = kind;
  }, [kind, prefill]);

  const validate = (): Partial<Record<Field, string>> => {
    const next: Partial<Record<Field, string>> = {};
    if (!title.trim()) next.title = t("decisions.propose.titleRequired");
    if (!text.trim()) next.text = t("decisions.propose.textRequired");
    const q = Number(quorum);
    if (quorum.trim() === "" || !Number.isInteger(q) || q < 0 || q > 100) next.quorum_percent = t("decisions.propose.quorumInvalid");
    const iso = deadlineToIso(closesAt);
    if (iso === null || new Date(iso).getTime() <= Date.now()) next.closes_at = t("decisions.propose.closesInvalid");
    return next;
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const invalid = validate();
    setErrors(invalid);
    if (Object.keys(invalid).length) {
      setFormError(t("common.formHasErrors"));
      requestAnimationFrame(() => focusFirstInvalid(formRef.current));
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      const created = await proposeDecision(dossier.id, {
        kind,
        title: title.trim(),
        text: text.trim(),
        rule,
        quorum_percent: Number(quorum),
        closes_at: deadlineToIso(closesAt) ?? closesAt,
        secret,
        require_every_college: colleges.length > 0 && everyCollege,
        about_text: aboutText,
        poll_id: kind === "priority_order" ? pollId : null,
      });
      void navigate(`/dossiers/${dossier.id}/decisions/${created.id}`);
    } catch (reason) {
      const fieldErrors: Partial<Record<Field, string>> = {};
      if (api.isApiError(reason, "validation_error")) {
        for (const detail of reason.details) {
          const field = detail.field.split(".").pop() ?? detail.field;
          if (field === "title" || field === "text") fieldErrors[field] = t("validation.serverRejected");
          if (field === "quorum_percent") fieldErrors.quorum_percent = t("decisions.propose.quorumInvalid");
          if (field === "closes_at") fieldErrors.closes_at = t("decisions.propose.closesInvalid");
        }
      }
      if (api.isApiError(reason, "deadline_in_past", "deadline_too_far", "invalid_deadline")) {
        fieldErrors.closes_at = decisionErrorMessage(reason, t);
      }
      if (api.isApiError(reason, "invalid_quorum")) fieldErrors.quorum_percent = t("decisions.propose.quorumInvalid");
      setErrors(fieldErrors);
      setFormError(decisionErrorMessage(reason, t));
      requestAnimationFrame(() => {
        if (Object.keys(fieldErrors).length) focusFirstInvalid(formRef.current);
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="propose-heading" className="propose-form">
      <p>{t("decisions.propose.intro")}</p>
      {kind === "reopen" ? <p className="notice">{t("decisions.propose.frozenNotice")}</p> : null}
      {kind === "priority_order" && pollId !== null ? (
        <div className="notice">
          <p>{t("decisions.propose.adoptNotice", { poll: pollId })}</p>
          <p className="button-row">
            <Link to={`/dossiers/${dossier.id}/priorites/${pollId}`}>{t("decisions.propose.adoptLink")}</Link>
            <button type="button" className="link-button" onClick={onCancelAdopt}>
              {t("decisions.propose.adoptCancel")}
            </button>
          </p>
        </div>
      ) : null}
      <ErrorAlert message={formError} />
      <TextField
        id="decision-title"
        label={t("decisions.propose.titleLabel")}
        hint={t("decisions.propose.titleHint")}
        value={title}
        onValueChange={setTitle}
        error={errors.title}
        maxLength={TITLE_MAX}
        autoComplete="off"
        required
      />
      <TextAreaField
        id="decision-text"
        label={t("decisions.propose.textLabel")}
        hint={t("decisions.propose.textHint")}
        value={text}
        onValueChange={setText}
        error={errors.text}
        rows={6}
        maxLength={TEXT_MAX}
        required
      />
      <SelectField
        id="decision-rule"
        label={t("decisions.propose.ruleLabel")}
        hint={t(`decisions.ruleExplain.${rule}`)}
        value={rule}
        onValueChange={(value) => setRule(value as RuleName)}
        options={RULES.map((name) => ({ value: name, label: t(`decisions.ruleOptions.${name}`) }))}
      />
      <div className="form-grid">
        <TextField
          id="decision-quorum"
          label={t("decisions.propose.quorumLabel")}
          hint={t("decisions.propose.quorumHint")}
          type="number"
          inputMode="numeric"
          min={0}
          max={100}
          step={1}
          value={quorum}
          onValueChange={setQuorum}
          error={errors.quorum_percent}
          required
        />
        <TextField
          id="decision-closes"
          label={t("decisions.propose.closesLabel")}
          hint={t("decisions.propose.closesHint")}
          type="datetime-local"
          value={closesAt}
          onValueChange={setClosesAt}
          error={errors.closes_at}
          required
        />
      </div>
      <CheckField id="decision-secret" label={t("decisions.propose.secretLabel")} hint={t("decisions.propose.secretHint")} checked={secret} onChange={setSecret} />
      <CheckField
        id="decision-about-text"
        label={t("decisions.propose.aboutTextLabel")}
        hint={t("decisions.propose.aboutTextHint")}
        checked={aboutText}
        onChange={setAboutText}
      />
      {colleges.length > 0 ? (
        <CheckField
          id="decision-every-college"
          label={t("decisions.propose.everyCollegeLabel")}
          hint={t("decisions.propose.everyCollegeHint")}
          checked={everyCollege}
          onChange={setEveryCollege}
        />
      ) : null}
      <button type="submit" className="button button--large" aria-disabled={busy || undefined}>
        {busy ? t("decisions.propose.sending") : t("decisions.propose.submit")}
      </button>
    </form>
  );
}

function DecisionCard({ decision, dossierId }: { decision: DecisionSummary; dossierId: number }) {
  const { t, dateTime } = useLocale();
  return (
    <li className="card decision-card">
      <h3 className="decision-card__title">
        <Link to={`/dossiers/${dossierId}/decisions/${decision.id}`}>{decision.title}</Link>
      </h3>
      <ul className="facts decision-card__facts">
        <li>
          <StateBadge state={decision.state} adopted={decision.adopted} />
        </li>
        <li>{t("decisions.list.rule", { rule: t(`decisions.rules.${decision.rule}`) })}</li>
        {decision.kind !== "general" ? <li>{t("decisions.list.kind", { kind: t(`decisions.kinds.${decision.kind}`) })}</li> : null}
        <li>
          {decision.state === "open" ? (
            <time dateTime={decision.closes_at}>{t("decisions.closesOn", { date: dateTime(decision.closes_at) })}</time>
          ) : decision.closed_at ? (
            <time dateTime={decision.closed_at}>
              {decision.state === "cancelled"
                ? t("decisions.cancelledOn", { date: dateTime(decision.closed_at) })
                : t("decisions.closedOn", { date: dateTime(decision.closed_at) })}
            </time>
          ) : null}
        </li>
        <li>{votedCountText(t, decision.voted_count, decision.eligible_count)}</li>
        <li>{t("decisions.proposedBy", { name: decision.proposer.name })}</li>
      </ul>
    </li>
  );
}

export function DecisionsPage() {
  const { id } = useParams();
  const dossierId = Number(id);
  const { t } = useLocale();
  const [searchParams, setSearchParams] = useSearchParams();
  const { dossier, error: dossierError, reload: reloadDossier } = useDossier(dossierId);
  const [decisions, setDecisions] = useState<DecisionSummary[] | null>(null);
  const [colleges, setColleges] = useState<College[]>([]);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(0);

  useDocumentTitle(dossier ? `${t("decisions.list.title")} — ${dossier.title}` : t("decisions.list.title"));

  const adopter = searchParams.get("adopter");
  const pollId = adopter !== null && /^\d+$/.test(adopter) ? Number(adopter) : null;

  const load = useCallback(async () => {
    const ticket = ++latest.current;
    try {
      const value = await listDecisions(dossierId);
      if (ticket !== latest.current) return;
      setDecisions(value);
      setError(null);
    } catch (reason) {
      if (ticket === latest.current) setError(reason);
    }
  }, [dossierId]);

  const loadedId = dossier?.id;
  const canPropose = dossier?.my_capabilities.includes("propose") ?? false;
  useEffect(() => {
    if (loadedId === undefined) return;
    void load();
  }, [loadedId, load]);

  useEffect(() => {
    if (loadedId === undefined || !canPropose) return;
    let live = true;
    api
      .listColleges(loadedId)
      .then((value) => {
        if (live) setColleges(value);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [loadedId, canPropose]);

  useDossierNotices(dossierId, (notice) => {
    if (notice.event === "dossier") void reloadDossier();
    void load();
  });

  if (dossierError && !dossier) return <DossierNotFound error={dossierError} />;
  if (!dossier) return <Loading />;

  const open = (decisions ?? []).filter((d) => d.state === "open");
  const past = (decisions ?? []).filter((d) => d.state !== "open");

  return (
    <div className="page decisions-page">
      <div className="page-header">
        <h1>{t("decisions.list.heading")}</h1>
        <p className="lead">{t("decisions.dossierLine", { title: dossier.title })}</p>
        <p>
          <Link to={`/dossiers/${dossier.id}`}>{t("decisions.backToDossier")}</Link>
        </p>
        <p>{t("decisions.list.intro")}</p>
        <p className="hint">{t("decisions.list.introVoters")}</p>
      </div>

      {error ? <ErrorAlert message={`${t("decisions.list.loadFailed")} ${decisionErrorMessage(error, t)}`} /> : null}

      <section aria-labelledby="open-heading" className="block">
        <h2 id="open-heading">{t("decisions.list.openHeading")}</h2>
        {decisions === null ? (
          error ? null : <p aria-busy="true">{t("app.loading")}</p>
        ) : open.length === 0 ? (
          <p className="empty">{t("decisions.list.noOpen")}</p>
        ) : (
          <ul className="decision-list">
            {open.map((d) => (
              <DecisionCard key={d.id} decision={d} dossierId={dossier.id} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="propose-heading" className="block card propose-section">
        <h2 id="propose-heading">{t("decisions.propose.heading")}</h2>
        {dossier.state === "depose" ? (
          <p className="notice">{t("decisions.propose.submitted")}</p>
        ) : canPropose ? (
          <ProposeForm
            dossier={dossier}
            colleges={colleges}
            pollId={dossier.state === "brouillon" ? pollId : null}
            onCancelAdopt={() => {
              const next = new URLSearchParams(searchParams);
              next.delete("adopter");
              setSearchParams(next, { replace: true });
            }}
          />
        ) : (
          <p className="hint">{t("decisions.propose.onlyProposers")}</p>
        )}
      </section>

      <section aria-labelledby="past-heading" className="block">
        <h2 id="past-heading">{t("decisions.list.closedHeading")}</h2>
        {decisions === null ? null : past.length === 0 ? (
          <p className="empty">{t("decisions.list.noClosed")}</p>
        ) : (
          <ul className="decision-list">
            {past.map((d) => (
              <DecisionCard key={d.id} decision={d} dossierId={dossier.id} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
