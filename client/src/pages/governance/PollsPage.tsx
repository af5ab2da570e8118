// /dossiers/:id/priorites — the priority votes of a dossier (ordre de priorité):
// what they are for, the list (open first), and for a lead or a partner the
// form that opens a new one.

import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import * as api from "../../api/client";
import { countedVoters, listPolls, openPoll, type Poll } from "../../api/governance";
import type { Dossier } from "../../api/types";
import { deadlineToIso, defaultDeadline } from "../../components/deadline";
import { ErrorAlert, TextField } from "../../components/forms";
import { Loading } from "../../components/Layout";
import { useDocumentTitle } from "../../components/useDocumentTitle";
import { useDossier } from "../../components/useDossier";
import { useLocale } from "../../i18n/format";
import { DossierNotFound } from "../dossier/DossierNotFound";
import { PollStateBadge, pollErrorMessage, useGovernanceRefresh } from "./PollPage";

const DEADLINE_CODES = ["deadline_in_past", "deadline_too_far", "invalid_deadline"];

function OpenPollForm({ dossier, onOpened }: { dossier: Dossier; onOpened: (poll: Poll) => void }) {
  const { t, i18n } = useTranslation();
  const [deadline, setDeadline] = useState(() => defaultDeadline(7));
  const [secret, setSecret] = useState(false);
  const [adopt, setAdopt] = useState(true);
  const [deadlineError, setDeadlineError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [withoutCollege, setWithoutCollege] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const deadlineRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    setWithoutCollege([]);
    const closesAt = deadlineToIso(deadline);
    if (closesAt === null) {
      setDeadlineError(t("polls.deadlineInvalid"));
      setFormError(t("common.formHasErrors"));
      deadlineRef.current?.focus();
      return;
    }
    setDeadlineError(null);
    setBusy(true);
    try {
      onOpened(await openPoll(dossier.id, { closes_at: closesAt, secret, adopt_on_close: adopt }));
    } catch (reason) {
      const message = pollErrorMessage(reason, t, (key) => i18n.exists(key));
      if (api.isApiError(reason, ...DEADLINE_CODES) || (api.isApiError(reason, "validation_error") && reason.details.some((d) => d.field.endsWith("closes_at")))) {
        setDeadlineError(api.isApiError(reason, "validation_error") ? t("polls.deadlineInvalid") : message);
        requestAnimationFrame(() => deadlineRef.current?.focus());
      }
      if (api.isApiError(reason, "voters_without_college")) {
        setWithoutCollege(reason.details.map((d) => d.message).filter(Boolean));
      }
      setFormError(message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="open-heading" className="card poll-form">
      <p className="hint">{t("polls.openIntro")}</p>
      <ErrorAlert message={formError}>
        {withoutCollege.length ? (
          <p>
            {t("polls.errors.votersWithoutCollegeNames", { names: withoutCollege.join(", ") })}{" "}
            <Link to={`/dossiers/${dossier.id}/members`}>{t("polls.errors.membersLink")}</Link>
          </p>
        ) : null}
      </ErrorAlert>
      <TextField
        id="poll-deadline"
        type="datetime-local"
        label={t("polls.deadlineLabel")}
        hint={t("polls.deadlineHint")}
        value={deadline}
        onValueChange={setDeadline}
        error={deadlineError}
        inputRef={deadlineRef}
        required
        className="poll-form__deadline"
      />
      <fieldset className="choice-group">
        <legend>{t("polls.ballotLegend")}</legend>
        <p className="hint" id="poll-ballot-hint">
          {t("polls.ballotHint")}
        </p>
        <div className="choice">
          <input
            type="radio"
            id="poll-named"
            name="poll-ballots"
            checked={!secret}
            onChange={() => setSecret(false)}
            aria-describedby="poll-named-hint"
          />
          <label htmlFor="poll-named">{t("polls.namedOption")}</label>
          <p className="hint choice__hint" id="poll-named-hint">
            {t("polls.namedOptionHint")}
          </p>
        </div>
        <div className="choice">
          <input
            type="radio"
            id="poll-secret"
            name="poll-ballots"
            checked={secret}
            onChange={() => setSecret(true)}
            aria-describedby="poll-secret-hint"
          />
          <label htmlFor="poll-secret">{t("polls.secretOption")}</label>
          <p className="hint choice__hint" id="poll-secret-hint">
            {t("polls.secretOptionHint")}
          </p>
        </div>
      </fieldset>
      <div className="choice choice--checkbox">
        <input
          type="checkbox"
          id="poll-adopt"
          checked={adopt}
          onChange={(event) => setAdopt(event.target.checked)}
          aria-describedby="poll-adopt-hint"
        />
        <label htmlFor="poll-adopt">{t("polls.adoptLabel")}</label>
        <p className="hint choice__hint" id="poll-adopt-hint">
          {t("polls.adoptHint")}
        </p>
      </div>
      <div className="button-row">
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {t("polls.openSubmit")}
        </button>
      </div>
    </form>
  );
}

function PollItem({ dossierId, poll }: { dossierId: number; poll: Poll }) {
  const { t, dateTime } = useLocale();
  const voted = poll.voters.filter((v) => v.voted).length;
  const href = `/dossiers/${dossierId}/priorites/${poll.id}`;
  const name = t("polls.pollTitle", { date: dateTime(poll.opened_at) });
  const first = poll.result?.order[0];
  const firstTitle = first === undefined ? null : poll.result?.names[String(first)] ?? null;
  const action =
    poll.state === "open" ? (poll.may_vote ? t("polls.openPollLink") : t("polls.viewPollLink")) : t("polls.viewResultLink");
  return (
    <li className={`card poll-card poll-card--${poll.state}`}>
      <h3 className="poll-card__title">
        <Link to={href}>{name}</Link> <PollStateBadge state={poll.state} />
      </h3>
      <ul className="facts">
        <li>
          {poll.closed_at
            ? t("polls.closedOn", { date: dateTime(poll.closed_at) })
            : t("polls.closesOn", { date: dateTime(poll.closes_at) })}
        </li>
        <li>{t("polls.votedCount", { count: voted, total: countedVoters(poll.voters).length })}</li>
        <li>{poll.secret ? t("polls.secret") : t("polls.named")}</li>
        {poll.state === "closed" ? <li>{poll.adopted_at ? t("polls.adoptedBadge") : t("polls.notAdopted")}</li> : null}
      </ul>
      {firstTitle ? <p>{t("polls.resultFirst", { title: firstTitle })}</p> : null}
      <p>
        <Link to={href} className={poll.state === "open" && poll.may_vote ? "button" : "button button--secondary"}>
          {action}
          <span className="sr-only"> — {name}</span>
        </Link>
      </p>
    </li>
  );
}

export function PollsPage() {
  const { id } = useParams();
  const dossierId = Number(id);
  const navigate = useNavigate();
  const { t } = useTranslation();
  const { dossier, error: dossierError, reload: reloadDossier } = useDossier(dossierId);
  const [polls, setPolls] = useState<Poll[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useDocumentTitle(dossier ? `${t("polls.listTitle")} — ${dossier.title}` : t("polls.listTitle"));

  const load = useCallback(async () => {
    try {
      setPolls(await listPolls(dossierId));
      setError(null);
    } catch (reason) {
      setError(reason);
    }
  }, [dossierId]);

  const loadedId = dossier?.id;
  useEffect(() => {
    if (loadedId === undefined) return;
    void load();
  }, [loadedId, load]);

  useGovernanceRefresh(dossierId, () => {
    void load();
    void reloadDossier();
  });

  if (dossierError && !dossier) return <DossierNotFound error={dossierError} />;
  if (!dossier) return <Loading />;

  const sorted = polls
    ? [...polls].sort((a, b) => Number(b.state === "open") - Number(a.state === "open") || b.id - a.id)
    : null;
  const mayPropose = dossier.my_role === "lead" || dossier.my_role === "partner";
  const hasOpen = sorted?.some((p) => p.state === "open") ?? false;

  let proposeArea = null;
  if (mayPropose) {
    if (dossier.state !== "brouillon") {
      proposeArea = <p className="notice">{t("polls.notDraft", { state: t(`states.${dossier.state}`) })}</p>;
    } else if (hasOpen) {
      proposeArea = <p className="notice">{t("polls.alreadyOpen")}</p>;
    } else if (dossier.actions.length < 2) {
      proposeArea = <p className="notice">{t("polls.needTwoActions")}</p>;
    } else if (sorted) {
      proposeArea = <OpenPollForm dossier={dossier} onOpened={(poll) => navigate(`/dossiers/${dossier.id}/priorites/${poll.id}`)} />;
    }
  }

  return (
    <div className="page">
      <div className="page-header">
        <h1>{t("polls.heading")}</h1>
        <p className="lead">{t("polls.dossierLine", { title: dossier.title })}</p>
        <p>
          <Link to={`/dossiers/${dossier.id}`}>{t("polls.backToDossier")}</Link>
        </p>
        <p>{t("polls.intro1")}</p>
        <p>{t("polls.intro2")}</p>
      </div>

      <section aria-labelledby="polls-heading" className="block">
        <h2 id="polls-heading">{t("polls.votesHeading")}</h2>
        {error ? <ErrorAlert message={api.errorMessage(error)} /> : null}
        {sorted === null ? (
          error ? null : <p aria-busy="true">{t("app.loading")}</p>
        ) : sorted.length === 0 ? (
          <p className="empty">{t("polls.noPolls")}</p>
        ) : (
          <ul className="poll-list">
            {sorted.map((poll) => (
              <PollItem key={poll.id} dossierId={dossier.id} poll={poll} />
            ))}
          </ul>
        )}
      </section>

      {proposeArea ? (
        <section aria-labelledby="open-heading" className="block">
          <h2 id="open-heading">{t("polls.openHeading")}</h2>
          {proposeArea}
        </section>
      ) : null}
    </div>
  );
}
