// The dossier's lifecycle on its page: where it stands (brouillon → figé →
// déposé) in plain words, the fingerprint of its content, the checklist of
// what submission needs (each point with a link to settle it), and, for the
// lead, freezing, reopening (on an adopted decision) and submitting, then the
// receipt. Kept current by the dossier's live notices; the server decides
// (a refused submission is answered by listing what is still missing).

import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type MouseEvent, type ReactNode } from "react";
import { Link, useNavigate } from "react-router";
import * as api from "../../api/client";
import {
  freezeDossier,
  getLifecycle,
  getSubmissionFiles,
  reopenDossier,
  submitDossier,
  type Lifecycle,
  type RuleName,
  type SubmissionFile,
  type UnmetCondition,
} from "../../api/governance";
import type { Dossier } from "../../api/types";
import { copyText } from "../../components/copy";
import { Reveal } from "../../components/Disclosure";
import { deadlineToIso, defaultDeadline } from "../../components/deadline";
import { ErrorAlert, SelectField, StatusMessage, TextField, focusFirstInvalid } from "../../components/forms";
import { Modal } from "../../components/Modal";
import i18n from "../../i18n";
import { useLocale } from "../../i18n/format";
import { useDossierNotices } from "../../live/notices";

const STATES = ["brouillon", "fige", "depose"] as const;
const RULES: RuleName[] = ["consentement", "majorite_simple", "majorite_qualifiee", "unanimite"];
const SHORT_HASH = 12;
/** While in draft, more empty questions than this are listed behind a "show" toggle. */
const FOLD_MISSING_ABOVE = 3;
const MAX_DEADLINE_DAYS = 90;
const DEADLINE_CODES = ["deadline_in_past", "deadline_too_far", "invalid_deadline"];

type Missing = Lifecycle["missing_answers"][number];

/** A lifecycle refusal in plain words (our own wording for its codes, else the common one). */
function lifecycleError(error: unknown): string {
  if (api.isApiError(error)) {
    const key = `lifecycle.errors.${error.code}`;
    if (i18n.exists(key)) return i18n.t(key);
  }
  return api.errorMessage(error);
}

/** The missing answers, grouped by action, in the dossier's order. */
function byAction(missing: Missing[]): { id: number; title: string; questions: Missing[] }[] {
  const groups: { id: number; title: string; questions: Missing[] }[] = [];
  for (const item of missing) {
    let group = groups.find((g) => g.id === item.action_id);
    if (!group) {
      group = { id: item.action_id, title: item.action_title, questions: [] };
      groups.push(group);
    }
    group.questions.push(item);
  }
  return groups;
}

/**
 * Once the action's tab shows, bring its question into view and put the
 * keyboard in its answer (or on the form's heading when the question's
 * section is folded).
 */
function focusQuestion(actionId: number, label: string): void {
  const deadline = Date.now() + 3_000;
  const attempt = () => {
    const section = document.querySelector<HTMLElement>('section[aria-labelledby="annexe"]');
    const tab = section?.querySelector('[role="tab"][aria-selected="true"]');
    const ready = tab?.id.endsWith(`-tab-${actionId}`) ?? false;
    const article = ready
      ? [...(section?.querySelectorAll<HTMLElement>("article.question") ?? [])].find(
          (element) => element.querySelector(".question__label")?.textContent?.trim() === label,
        )
      : undefined;
    const box = article?.querySelector<HTMLElement>('[role="textbox"]');
    if (article && box && article.offsetParent !== null) {
      article.scrollIntoView({ block: "start" });
      box.focus({ preventScroll: true });
      return;
    }
    if (Date.now() < deadline) {
      window.setTimeout(attempt, 100);
      return;
    }
    const heading = document.getElementById("annexe");
    heading?.scrollIntoView({ block: "start" });
    heading?.focus({ preventScroll: true });
  };
  window.setTimeout(attempt, 0);
}

function ShortHash({ hash }: { hash: string }) {
  return (
    <code className="lifecycle-hash" title={hash}>
      {hash.slice(0, SHORT_HASH)}…
    </code>
  );
}

/** A confirmation whose text may hold several paragraphs; Cancel has the focus first. */
function Confirm({
  open,
  title,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
  error,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy: boolean;
  error: string | null;
  children: ReactNode;
}) {
  const { t } = useLocale();
  return (
    <Modal open={open} title={title} onClose={onCancel} showCloseButton={false} className="modal--small">
      {children}
      <ErrorAlert message={error} />
      <div className="button-row">
        <button type="button" className="button button--secondary" onClick={onCancel} autoFocus>
          {t("common.cancel")}
        </button>
        <button type="button" className="button" onClick={onConfirm} aria-disabled={busy || undefined} aria-busy={busy || undefined}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useLocale();
  const [feedback, setFeedback] = useState<"lifecycle.receipt.copied" | "lifecycle.receipt.copyFailed" | null>(null);
  const copy = async () => {
    setFeedback(null);
    setFeedback((await copyText(text)) ? "lifecycle.receipt.copied" : "lifecycle.receipt.copyFailed");
  };
  return (
    <div className="button-row">
      <button type="button" className="button button--small button--secondary" onClick={() => void copy()}>
        {label}
      </button>
      <StatusMessage message={feedback ? t(feedback) : null} />
    </div>
  );
}

// --- the checklist ----------------------------------------------------------------

function ChecklistItem({ met, title, help, children }: { met: boolean; title: string; help?: string | null; children?: ReactNode }) {
  const { t } = useLocale();
  return (
    <li className={`checklist__item checklist__item--${met ? "met" : "unmet"}`}>
      <span className="checklist__icon" aria-hidden="true">
        {met ? "✓" : "✗"}
      </span>
      <div className="checklist__body">
        <p className="checklist__title">
          <span className="sr-only">{met ? t("lifecycle.checklist.met") : t("lifecycle.checklist.unmet")} </span>
          {title}
        </p>
        {help ? <p className="hint">{help}</p> : null}
        {children}
      </div>
    </li>
  );
}

function MissingAnswers({ lifecycle }: { lifecycle: Lifecycle }) {
  const { t, lang } = useLocale();
  const navigate = useNavigate();
  const go = (event: MouseEvent<HTMLAnchorElement>, item: Missing) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const params = new URLSearchParams(window.location.search);
    params.set("action", String(item.action_id));
    void navigate({ search: `?${params.toString()}` }, { replace: true, preventScrollReset: true });
    focusQuestion(item.action_id, lang === "en" ? item.label_en : item.label_fr);
  };
  return (
    <ul className="missing-answers">
      {byAction(lifecycle.missing_answers).map((group) => (
        <li key={group.id}>
          <p className="missing-answers__action">{t("lifecycle.conditions.answers.action", { title: group.title })}</p>
          <ul className="missing-answers__questions">
            {group.questions.map((item) => {
              const label = lang === "en" ? item.label_en : item.label_fr;
              return (
                <li key={item.question_key}>
                  <a
                    href={`?action=${item.action_id}#annexe`}
                    onClick={(event) => go(event, item)}
                    aria-label={t("lifecycle.conditions.answers.goTo", { label, title: group.title })}
                  >
                    {label}
                  </a>
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** What the final approval needs, in the words that fit where it stands. */
function approvalText(lifecycle: Lifecycle, dateTime: (iso: string) => string, t: (key: string, options?: Record<string, unknown>) => string) {
  const approval = lifecycle.final_approval;
  if (lifecycle.final_approval_adopted) return { title: t("lifecycle.conditions.final_approval.met"), help: null };
  if (!approval) {
    return { title: t("lifecycle.conditions.final_approval.notOpen"), help: t("lifecycle.conditions.final_approval.notOpenHelp") };
  }
  if (approval.state === "open") {
    return {
      title: t("lifecycle.conditions.final_approval.open"),
      help: t("lifecycle.conditions.final_approval.openHelp", { date: dateTime(approval.closes_at) }),
    };
  }
  return { title: t("lifecycle.conditions.final_approval.rejected"), help: t("lifecycle.conditions.final_approval.rejectedHelp") };
}

function Checklist({ dossier, lifecycle, isLead }: { dossier: Dossier; lifecycle: Lifecycle; isLead: boolean }) {
  const { t, dateTime } = useLocale();
  const unmet = new Set<UnmetCondition>(lifecycle.unmet);
  const frozen = lifecycle.state !== "brouillon";
  const approval = lifecycle.final_approval;
  const approvalWords = approvalText(lifecycle, dateTime, t);
  const missingCount = lifecycle.missing_answers.length;
  // Freezing needs an action; the server's conditions take it for granted.
  const noAction = dossier.actions.length === 0 && lifecycle.state === "brouillon";
  const remaining = lifecycle.unmet.length + (noAction ? 1 : 0);
  return (
    <div className="checklist-block">
      <h3 id="lifecycle-checklist">{t("lifecycle.checklist.heading")}</h3>
      <p className="hint">{t("lifecycle.checklist.intro")}</p>
      <ul className="checklist" aria-labelledby="lifecycle-checklist">
        <ChecklistItem
          met={!unmet.has("frozen")}
          title={t(unmet.has("frozen") ? "lifecycle.conditions.frozen.unmet" : "lifecycle.conditions.frozen.met")}
          help={unmet.has("frozen") ? t(isLead ? "lifecycle.conditions.frozen.helpLead" : "lifecycle.conditions.frozen.help") : null}
        />
        <ChecklistItem
          met={!unmet.has("answers") && !noAction}
          title={
            noAction
              ? t("lifecycle.conditions.answers.noAction")
              : unmet.has("answers")
                ? t("lifecycle.conditions.answers.unmet", { count: missingCount })
                : t("lifecycle.conditions.answers.met")
          }
          help={unmet.has("answers") && frozen ? t("lifecycle.conditions.answers.frozenHelp") : null}
        >
          {missingCount === 0 ? null : frozen || missingCount <= FOLD_MISSING_ABOVE ? (
            <MissingAnswers lifecycle={lifecycle} />
          ) : (
            // While writing, a long list would push the page down: one click away.
            <Reveal label={t("lifecycle.conditions.answers.show")}>
              <MissingAnswers lifecycle={lifecycle} />
            </Reveal>
          )}
        </ChecklistItem>
        <ChecklistItem
          met={!unmet.has("priority_order")}
          title={
            !lifecycle.order_required
              ? t("lifecycle.conditions.priority_order.notNeeded")
              : unmet.has("priority_order")
                ? t("lifecycle.conditions.priority_order.unmet")
                : t("lifecycle.conditions.priority_order.met")
          }
          help={unmet.has("priority_order") ? t("lifecycle.conditions.priority_order.help") : null}
        >
          {unmet.has("priority_order") ? (
            <p>
              <Link to={`/dossiers/${dossier.id}/priorites`}>{t("lifecycle.conditions.priority_order.link")}</Link>
            </p>
          ) : null}
        </ChecklistItem>
        <ChecklistItem met={!unmet.has("final_approval")} title={approvalWords.title} help={approvalWords.help}>
          {approval ? (
            <p>
              <Link to={`/dossiers/${dossier.id}/decisions/${approval.decision_id}`}>
                {approval.state === "open" ? t("lifecycle.conditions.final_approval.vote") : t("lifecycle.conditions.final_approval.see")}
              </Link>
            </p>
          ) : null}
        </ChecklistItem>
        {lifecycle.frozen_content_hash ? (
          <ChecklistItem
            met={!unmet.has("content_unchanged")}
            title={t(unmet.has("content_unchanged") ? "lifecycle.conditions.content_unchanged.unmet" : "lifecycle.conditions.content_unchanged.met")}
            help={unmet.has("content_unchanged") ? t("lifecycle.conditions.content_unchanged.help") : null}
          />
        ) : null}
      </ul>
      <p className={`checklist__summary${remaining ? "" : " checklist__summary--ready"}`}>
        {remaining ? t("lifecycle.checklist.remaining", { count: remaining }) : t("lifecycle.checklist.allMet")}
      </p>
    </div>
  );
}

/** What a refused submission still needs: the unmet points, the empty questions by name. */
function Refusal({ lifecycle }: { lifecycle: Lifecycle }) {
  const { t, lang, dateTime } = useLocale();
  const title = (condition: UnmetCondition): string => {
    switch (condition) {
      case "frozen":
        return t("lifecycle.conditions.frozen.unmet");
      case "answers":
        return t("lifecycle.conditions.answers.unmet", { count: lifecycle.missing_answers.length });
      case "priority_order":
        return t("lifecycle.conditions.priority_order.unmet");
      case "final_approval":
        return approvalText(lifecycle, dateTime, t).title;
      case "content_unchanged":
        return t("lifecycle.conditions.content_unchanged.unmet");
    }
  };
  return (
    <div role="alert" className="alert alert--error lifecycle-refusal">
      <p className="alert__title">{t("lifecycle.submit.refused")}</p>
      <ul>
        {lifecycle.unmet.map((condition) => (
          <li key={condition}>
            {title(condition)}
            {condition === "answers" ? (
              <ul>
                {byAction(lifecycle.missing_answers).map((group) => (
                  <li key={group.id}>
                    {t("lifecycle.conditions.answers.action", { title: group.title })}{" "}
                    {group.questions.map((item) => (lang === "en" ? item.label_en : item.label_fr)).join(", ")}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

// --- the lead's forms -------------------------------------------------------------

type FreezeField = "quorum" | "closesAt";

function FreezeForm({
  dossier,
  refresh,
  onFrozen,
}: {
  dossier: Dossier;
  refresh: () => Promise<Lifecycle | null>;
  onFrozen: (lifecycle: Lifecycle) => void;
}) {
  const { t, dateTime } = useLocale();
  const formId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [open, setOpen] = useState(false);
  const [rule, setRule] = useState<RuleName>("consentement");
  const [quorum, setQuorum] = useState("50");
  const [closesAt, setClosesAt] = useState(() => defaultDeadline(7));
  const [secret, setSecret] = useState(false);
  const [everyCollege, setEveryCollege] = useState(false);
  const [hasColleges, setHasColleges] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<FreezeField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<{ closesAt: string; missing: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmError, setConfirmError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    api
      .listColleges(dossier.id)
      .then((colleges) => {
        if (!cancelled) setHasColleges(colleges.length > 0);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [open, dossier.id]);

  const validate = (): { errors: Partial<Record<FreezeField, string>>; iso: string | null } => {
    const found: Partial<Record<FreezeField, string>> = {};
    const percent = Number(quorum);
    if (!/^\d{1,3}$/.test(quorum.trim()) || percent > 100) found.quorum = t("lifecycle.freeze.quorumInvalid");
    const iso = deadlineToIso(closesAt);
    const time = iso ? new Date(iso).getTime() : NaN;
    if (!iso || time <= Date.now() || time > Date.now() + MAX_DEADLINE_DAYS * 86_400_000) {
      found.closesAt = t("lifecycle.freeze.closesAtInvalid");
    }
    return { errors: found, iso };
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const checked = validate();
    setErrors(checked.errors);
    if (Object.keys(checked.errors).length || !checked.iso) {
      setFormError(t("common.formHasErrors"));
      requestAnimationFrame(() => focusFirstInvalid(formRef.current));
      return;
    }
    setFormError(null);
    setConfirmError(null);
    // Count the empty answers as they are now (people may have written since the page loaded).
    const fresh = await refresh();
    setConfirming({ closesAt: checked.iso, missing: fresh?.missing_answers.length ?? 0 });
  };

  const freeze = async () => {
    if (!confirming || busy) return;
    setBusy(true);
    setConfirmError(null);
    try {
      const result = await freezeDossier(dossier.id, {
        rule,
        quorum_percent: Number(quorum),
        closes_at: confirming.closesAt,
        secret,
        require_every_college: hasColleges && everyCollege,
      });
      setConfirming(null);
      onFrozen(result);
    } catch (error) {
      if (api.isApiError(error, ...DEADLINE_CODES)) {
        setConfirming(null);
        setErrors({ closesAt: lifecycleError(error) });
        setFormError(t("common.formHasErrors"));
        requestAnimationFrame(() => focusFirstInvalid(formRef.current));
      } else {
        setConfirmError(lifecycleError(error));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="lifecycle-action" aria-labelledby={`${formId}-heading`}>
      <h3 id={`${formId}-heading`}>{t("lifecycle.freeze.heading")}</h3>
      <p>{t("lifecycle.freeze.intro")}</p>
      <button
        type="button"
        className="reveal__toggle"
        aria-expanded={open}
        aria-controls={`${formId}-form`}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="disclosure__icon" aria-hidden="true">
          {open ? "▾" : "▸"}
        </span>
        {t("lifecycle.freeze.open")}
      </button>
      <form
        id={`${formId}-form`}
        ref={formRef}
        hidden={!open}
        onSubmit={(event) => void onSubmit(event)}
        noValidate
        aria-labelledby={`${formId}-heading`}
        className="freeze-form"
      >
        <ErrorAlert message={formError} />
        <fieldset>
          <legend>{t("lifecycle.freeze.legend")}</legend>
          <SelectField
            id={`${formId}-rule`}
            label={t("lifecycle.freeze.rule")}
            value={rule}
            onValueChange={(value) => setRule(value as RuleName)}
            options={RULES.map((name) => ({ value: name, label: t(`lifecycle.freeze.rules.${name}`) }))}
            hint={t(`lifecycle.freeze.ruleHelp.${rule}`)}
          />
          <TextField
            id={`${formId}-quorum`}
            label={t("lifecycle.freeze.quorum")}
            hint={t("lifecycle.freeze.quorumHint")}
            value={quorum}
            onValueChange={setQuorum}
            error={errors.quorum}
            inputMode="numeric"
            type="number"
            min={0}
            max={100}
            step={1}
          />
          <TextField
            id={`${formId}-closes`}
            label={t("lifecycle.freeze.closesAt")}
            hint={t("lifecycle.freeze.closesAtHint")}
            value={closesAt}
            onValueChange={setClosesAt}
            error={errors.closesAt}
            type="datetime-local"
          />
          <div className="checkbox-field">
            <input id={`${formId}-secret`} type="checkbox" checked={secret} onChange={(event) => setSecret(event.target.checked)} aria-describedby={`${formId}-secret-hint`} />
            <label htmlFor={`${formId}-secret`}>{t("lifecycle.freeze.secret")}</label>
            <p id={`${formId}-secret-hint`} className="hint">
              {t("lifecycle.freeze.secretHint")}
            </p>
          </div>
          {hasColleges ? (
            <div className="checkbox-field">
              <input
                id={`${formId}-colleges`}
                type="checkbox"
                checked={everyCollege}
                onChange={(event) => setEveryCollege(event.target.checked)}
                aria-describedby={`${formId}-colleges-hint`}
              />
              <label htmlFor={`${formId}-colleges`}>{t("lifecycle.freeze.everyCollege")}</label>
              <p id={`${formId}-colleges-hint`} className="hint">
                {t("lifecycle.freeze.everyCollegeHint")}
              </p>
            </div>
          ) : null}
        </fieldset>
        <button type="submit" className="button">
          {t("lifecycle.freeze.submit")}
        </button>
      </form>
      <Confirm
        open={confirming !== null}
        title={t("lifecycle.freeze.confirmTitle")}
        confirmLabel={t("lifecycle.freeze.confirm")}
        onConfirm={() => void freeze()}
        onCancel={() => setConfirming(null)}
        busy={busy}
        error={confirmError}
      >
        <p>{t("lifecycle.freeze.confirmText", { date: confirming ? dateTime(confirming.closesAt) : "" })}</p>
        <p>{t("lifecycle.freeze.confirmReopen")}</p>
        {confirming && confirming.missing > 0 ? (
          <p className="notice">{t("lifecycle.freeze.confirmMissing", { count: confirming.missing })}</p>
        ) : null}
      </Confirm>
    </section>
  );
}

function ReopenAction({ dossier, lifecycle, onReopened }: { dossier: Dossier; lifecycle: Lifecycle; onReopened: (lifecycle: Lifecycle) => void }) {
  const { t } = useLocale();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = lifecycle.reopen_decision_adopted;

  const reopen = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const result = await reopenDossier(dossier.id);
      setConfirming(false);
      onReopened(result);
    } catch (reason) {
      setError(lifecycleError(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="lifecycle-action" aria-labelledby="lifecycle-reopen">
      <h3 id="lifecycle-reopen">{t("lifecycle.reopen.heading")}</h3>
      <p>{t("lifecycle.reopen.intro")}</p>
      <p id="lifecycle-reopen-state" className={ready ? "lifecycle-ready" : "hint"}>
        {ready ? t("lifecycle.reopen.ready") : t("lifecycle.reopen.notReady")}
      </p>
      {ready ? null : (
        <p>
          <Link to={`/dossiers/${dossier.id}/decisions`}>{t("lifecycle.reopen.propose")}</Link>
        </p>
      )}
      <button
        type="button"
        className="button button--secondary"
        aria-disabled={!ready || undefined}
        aria-describedby="lifecycle-reopen-state"
        onClick={() => {
          if (!ready) return;
          setError(null);
          setConfirming(true);
        }}
      >
        {t("lifecycle.reopen.button")}
      </button>
      <Confirm
        open={confirming}
        title={t("lifecycle.reopen.confirmTitle")}
        confirmLabel={t("lifecycle.reopen.confirm")}
        onConfirm={() => void reopen()}
        onCancel={() => setConfirming(false)}
        busy={busy}
        error={error}
      >
        <p>{t("lifecycle.reopen.confirmText")}</p>
      </Confirm>
    </section>
  );
}

function SubmitAction({
  dossier,
  lifecycle,
  refresh,
  onSubmitted,
}: {
  dossier: Dossier;
  lifecycle: Lifecycle;
  refresh: () => Promise<Lifecycle | null>;
  onSubmitted: () => void;
}) {
  const { t } = useLocale();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    // A refusal shown again is a new alert (announced again).
    setRefused(false);
    try {
      await submitDossier(dossier.id);
      setConfirming(false);
      setRefused(false);
      onSubmitted();
    } catch (reason) {
      if (api.isApiError(reason, "submit_conditions_unmet")) {
        // The server decides: look again at what it says is missing, and list it.
        setConfirming(false);
        await refresh();
        setRefused(true);
      } else {
        setRefused(false);
        setError(lifecycleError(reason));
      }
    } finally {
      setBusy(false);
    }
  };

  const onClick = () => {
    setError(null);
    // When something is known to be missing, ask the server at once: its answer lists what.
    if (lifecycle.unmet.length) void submit();
    else setConfirming(true);
  };

  return (
    <section className="lifecycle-action" aria-labelledby="lifecycle-submit">
      <h3 id="lifecycle-submit">{t("lifecycle.submit.heading")}</h3>
      <p>{t("lifecycle.submit.intro")}</p>
      <button type="button" className="button" onClick={onClick} aria-disabled={busy || undefined} aria-busy={busy || undefined}>
        {t("lifecycle.submit.button")}
      </button>
      {refused && lifecycle.unmet.length ? <Refusal lifecycle={lifecycle} /> : null}
      {!confirming ? <ErrorAlert message={error} /> : null}
      <Confirm
        open={confirming}
        title={t("lifecycle.submit.confirmTitle")}
        confirmLabel={t("lifecycle.submit.confirm")}
        onConfirm={() => void submit()}
        onCancel={() => setConfirming(false)}
        busy={busy}
        error={error}
      >
        <p>{t("lifecycle.submit.confirmText")}</p>
      </Confirm>
    </section>
  );
}

function ReceiptView({ dossier, lifecycle }: { dossier: Dossier; lifecycle: Lifecycle }) {
  const { t, dateTime } = useLocale();
  const receipt = lifecycle.receipt;
  if (!receipt) return null;
  return (
    <section className="lifecycle-action receipt" aria-labelledby="lifecycle-receipt">
      <h3 id="lifecycle-receipt" tabIndex={-1}>
        {t("lifecycle.receipt.heading")}
      </h3>
      <p>{t("lifecycle.receipt.intro")}</p>
      <dl className="receipt__facts">
        <div>
          <dt>{t("lifecycle.receipt.submittedAt")}</dt>
          <dd>
            <time dateTime={receipt.submitted_at}>{dateTime(receipt.submitted_at)}</time>
          </dd>
        </div>
        <div>
          <dt>{t("lifecycle.receipt.submittedBy")}</dt>
          <dd>{receipt.submitted_by}</dd>
        </div>
        <div>
          <dt>{t("lifecycle.receipt.contentHash")}</dt>
          <dd>
            <p className="hash-block">
              <code>{receipt.content_hash}</code>
            </p>
            <CopyButton text={receipt.content_hash} label={t("lifecycle.receipt.copyContent")} />
          </dd>
        </div>
        <div>
          <dt>{t("lifecycle.receipt.registerHead", { sequence: receipt.register_sequence })}</dt>
          <dd>
            <p className="hash-block">
              <code>{receipt.register_head}</code>
            </p>
            <CopyButton text={receipt.register_head} label={t("lifecycle.receipt.copyHead")} />
          </dd>
        </div>
      </dl>
      <PackageFiles dossierId={dossier.id} />
      <p>
        <Link to={`/dossiers/${dossier.id}/register`}>{t("lifecycle.receipt.registerLink")}</Link>
      </p>
    </section>
  );
}

/** The sealed package stored on submission: each file downloads with the same bytes every time. */
function PackageFiles({ dossierId }: { dossierId: number }) {
  const { t } = useLocale();
  const [files, setFiles] = useState<SubmissionFile[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    getSubmissionFiles(dossierId).then(
      (found) => current && setFiles(found),
      (reason: unknown) => current && setError(api.errorMessage(reason)),
    );
    return () => {
      current = false;
    };
  }, [dossierId]);
  return (
    <div className="receipt__package">
      <h4>{t("lifecycle.receipt.packageHeading")}</h4>
      <p>{t("lifecycle.receipt.packageIntro")}</p>
      <ErrorAlert message={error} />
      {files ? (
        <ul>
          {files.map((file) => (
            <li key={file.name}>
              <a href={file.url} download={file.name}>
                {t(`lifecycle.receipt.files.${file.name.replace(".", "_")}`, { defaultValue: file.name })}
              </a>{" "}
              <span className="receipt__size">({t("lifecycle.receipt.size", { kb: Math.max(1, Math.round(file.size / 1024)) })})</span>
              <br />
              <span className="receipt__sha">
                SHA-256 <code>{file.sha256}</code>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

// --- the panel --------------------------------------------------------------------

function Steps({ state }: { state: Lifecycle["state"] }) {
  const { t } = useLocale();
  const current = STATES.indexOf(state);
  return (
    <ol className="lifecycle-steps" aria-label={t("lifecycle.steps")}>
      {STATES.map((step, index) => (
        <li
          key={step}
          aria-current={index === current ? "step" : undefined}
          className={`lifecycle-steps__step${index === current ? " lifecycle-steps__step--current" : index < current ? " lifecycle-steps__step--done" : ""}`}
        >
          <span className="lifecycle-steps__mark" aria-hidden="true">
            {index < current ? "✓" : index + 1}
          </span>
          {t(`lifecycle.stepName.${step}`)}
          {index < current ? <span className="sr-only"> {t("lifecycle.stepDone")}</span> : null}
        </li>
      ))}
    </ol>
  );
}

export function LifecyclePanel({ dossier, onStateChange }: { dossier: Dossier; onStateChange: () => void }) {
  const { t, dateTime } = useLocale();
  const [lifecycle, setLifecycle] = useState<Lifecycle | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const dossierState = useRef(dossier.state);
  dossierState.current = dossier.state;
  const stateChanged = useRef(onStateChange);
  stateChanged.current = onStateChange;
  const knownState = useRef<string | null>(null);
  const dossierId = dossier.id;

  /** Take a fresh lifecycle; when the state moved, the page reloads the dossier (its editors follow). */
  const accept = useCallback((value: Lifecycle) => {
    knownState.current = value.state;
    setLifecycle(value);
    setLoadError(null);
    if (value.state !== dossierState.current) stateChanged.current();
  }, []);

  const load = useCallback(async (): Promise<Lifecycle | null> => {
    try {
      const value = await getLifecycle(dossierId);
      accept(value);
      return value;
    } catch (error) {
      setLoadError(error);
      return null;
    }
  }, [dossierId, accept]);

  useEffect(() => {
    void load();
    const onVisible = () => {
      if (document.visibilityState === "visible") void load();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [load]);

  // A vote, a decision, a freeze elsewhere: look again (notices carry ids only).
  useDossierNotices(dossierId, () => void load());

  // The dossier page learned of a change of state first (its own live connection).
  useEffect(() => {
    if (knownState.current !== null && knownState.current !== dossier.state) void load();
  }, [dossier.state, load]);

  // Actions added, renamed, removed or reordered on this page: the conditions change with them.
  const actionsKey = dossier.actions.map((action) => `${action.id}:${action.position}:${action.title}`).join("|");
  const previousActions = useRef(actionsKey);
  useEffect(() => {
    if (previousActions.current === actionsKey) return;
    previousActions.current = actionsKey;
    void load();
  }, [actionsKey, load]);

  /** Say what happened, and put the keyboard back at the panel's start (the form that had it is gone). */
  const announce = (text: string) => {
    setMessage(text);
    window.setTimeout(() => headingRef.current?.focus(), 0);
  };

  if (!lifecycle) {
    return (
      <section aria-labelledby="lifecycle" className="block lifecycle">
        <h2 id="lifecycle" tabIndex={-1}>
          {t("lifecycle.heading")}
        </h2>
        {loadError ? (
          <ErrorAlert message={`${t("lifecycle.loadError")} ${api.errorMessage(loadError)}`}>
            <button type="button" className="button button--secondary" onClick={() => void load()}>
              {t("common.retry")}
            </button>
          </ErrorAlert>
        ) : (
          <p aria-busy="true">{t("app.loading")}</p>
        )}
      </section>
    );
  }

  const isLead = dossier.my_role === "lead";
  const state = lifecycle.state;
  const fingerprint =
    state === "brouillon" ? lifecycle.content_hash : (lifecycle.receipt?.content_hash ?? lifecycle.frozen_content_hash ?? lifecycle.content_hash);

  return (
    <section aria-labelledby="lifecycle" className="block lifecycle">
      <h2 id="lifecycle" ref={headingRef} tabIndex={-1}>
        {t("lifecycle.heading")}
      </h2>
      <StatusMessage message={message} />
      <Steps state={state} />
      <div className={`lifecycle-state lifecycle-state--${state}`}>
        <p className="lifecycle-state__line">{t(`lifecycle.stateLine.${state}`)}</p>
        <p>{t(`lifecycle.stateHelp.${state}`)}</p>
        {state === "fige" && lifecycle.frozen_at ? <p>{t("lifecycle.frozenOn", { date: dateTime(lifecycle.frozen_at) })}</p> : null}
      </div>
      <div className="lifecycle-fingerprint">
        <p>
          {t(`lifecycle.fingerprint.${state === "brouillon" ? "current" : state === "fige" ? "frozen" : "submitted"}`)} <ShortHash hash={fingerprint} />
        </p>
        <p className="hint">
          {t("lifecycle.fingerprint.help")} {state === "brouillon" ? t("lifecycle.fingerprint.draftHelp") : null}
        </p>
      </div>

      {state !== "depose" ? (
        <>
          <Checklist dossier={dossier} lifecycle={lifecycle} isLead={isLead} />
          <div className="button-row">
            <button
              type="button"
              className="button button--small button--secondary"
              onClick={() => {
                void load().then((value) => {
                  if (value) setMessage(t("lifecycle.refreshed"));
                });
              }}
            >
              {t("lifecycle.refresh")}
            </button>
          </div>
        </>
      ) : null}

      {isLead && state === "brouillon" ? (
        <FreezeForm
          dossier={dossier}
          refresh={load}
          onFrozen={(value) => {
            accept(value);
            announce(t("lifecycle.freeze.done"));
          }}
        />
      ) : null}
      {isLead && state === "fige" ? (
        <>
          <SubmitAction
            dossier={dossier}
            lifecycle={lifecycle}
            refresh={load}
            onSubmitted={() => {
              // Once the receipt is there (the submit form is gone with its button).
              void load().then(() => announce(t("lifecycle.submit.done")));
            }}
          />
          <ReopenAction
            dossier={dossier}
            lifecycle={lifecycle}
            onReopened={(value) => {
              accept(value);
              announce(t("lifecycle.reopen.done"));
            }}
          />
        </>
      ) : null}
      {state === "depose" ? <ReceiptView dossier={dossier} lifecycle={lifecycle} /> : null}
      {!isLead && state !== "depose" ? <p className="hint">{t("lifecycle.leadOnly")}</p> : null}
    </section>
  );
}
