// /dossiers/:id/decisions/:decisionId/pv — the procès-verbal of a closed
// decision: what was decided, by whom, under which rule, with which
// participation, tallies and objections, the outcome and its statement. It
// prints on A4 (the app's header, navigation and buttons are left out).

import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { countedVoters, type Decision, type DecisionVoter } from "../../api/governance";
import type { Dossier } from "../../api/types";
import { ExportButtons } from "../../components/ExportButtons";
import { Loading } from "../../components/Layout";
import { useDocumentTitle } from "../../components/useDocumentTitle";
import { useLocale } from "../../i18n/format";
import { DossierNotFound } from "../dossier/DossierNotFound";
import { choiceLabel, DecisionLoadError, OrderNotApplied, quorumNeed, TallyTable, useDecision } from "./DecisionPage";

const ROLE_ORDER = ["lead", "partner", "beneficiary", "observer"];

interface Group {
  key: string;
  label: string;
  voters: DecisionVoter[];
}

function groupsOf(decision: Decision, t: ReturnType<typeof useLocale>["t"]): Group[] {
  const byRole = ROLE_ORDER.map((role) => ({
    key: `role-${role}`,
    label: t("decisions.minutes.roleGroup", { role: t(`roles.${role}`) }),
    voters: decision.voters.filter((voter) => voter.role === role),
  })).filter((group) => group.voters.length > 0);
  const collegeNames = Object.values(decision.colleges).map((college) => college.name);
  const byCollege = collegeNames.map((name) => ({
    key: `college-${name}`,
    label: t("decisions.minutes.collegeGroup", { name }),
    voters: decision.voters.filter((voter) => voter.college === name),
  }));
  return [...byRole, ...byCollege];
}

function Facts({ dossier, decision }: { dossier: Dossier; decision: Decision }) {
  const { t, dateTime } = useLocale();
  const outcome = decision.outcome;
  const eligible = outcome?.eligible ?? decision.eligible_count;
  const participants = outcome?.participants ?? decision.voted_count;
  const rows: { key: string; term: string; value: ReactNode }[] = [
    { key: "dossier", term: t("decisions.minutes.dossier"), value: dossier.title },
    { key: "structure", term: t("decisions.minutes.structure"), value: dossier.structure },
    { key: "decision", term: t("decisions.minutes.decision"), value: decision.title },
    { key: "kind", term: t("decisions.minutes.kind"), value: t(`decisions.kinds.${decision.kind}`) },
    { key: "proposer", term: t("decisions.minutes.proposer"), value: decision.proposer.name },
    {
      key: "opened",
      term: t("decisions.minutes.opened"),
      value: <time dateTime={decision.opened_at}>{dateTime(decision.opened_at)}</time>,
    },
    {
      key: "closed",
      term: t("decisions.minutes.closed"),
      value: decision.closed_at ? <time dateTime={decision.closed_at}>{dateTime(decision.closed_at)}</time> : t("decisions.minutes.none"),
    },
    {
      key: "rule",
      term: t("decisions.minutes.rule"),
      value: (
        <>
          <strong>{t(`decisions.rules.${decision.rule}`)}</strong> — {t(`decisions.ruleExplain.${decision.rule}`)}
        </>
      ),
    },
    {
      key: "quorum",
      term: t("decisions.minutes.quorumRequired"),
      value:
        decision.quorum_percent === 0
          ? t("decisions.minutes.quorumRequiredNone")
          : t("decisions.minutes.quorumRequiredValue", {
              percent: decision.quorum_percent,
              need: quorumNeed(decision.quorum_percent, eligible),
              eligible,
            }),
    },
    {
      key: "quorumResult",
      term: t("decisions.minutes.quorumResult"),
      value: outcome?.quorum_reached
        ? t("decisions.minutes.quorumYes", { count: participants, eligible })
        : t("decisions.minutes.quorumNo", { count: participants, eligible }),
    },
    {
      key: "ballot",
      term: t("decisions.minutes.ballot"),
      value: decision.secret ? t("decisions.minutes.secret") : t("decisions.minutes.named"),
    },
    ...(decision.require_every_college
      ? [{ key: "every", term: t("decisions.minutes.everyCollege"), value: t("decisions.minutes.everyCollegeYes") }]
      : []),
    ...(decision.content_hash
      ? [{ key: "hash", term: t("decisions.minutes.hash"), value: <code className="minutes__hash">{decision.content_hash}</code> }]
      : []),
    {
      key: "register",
      term: t("decisions.minutes.register"),
      value:
        decision.register_sequence !== null
          ? t("decisions.minutes.registerValue", { sequence: decision.register_sequence })
          : t("decisions.minutes.registerPending"),
    },
  ];
  return (
    <dl className="minutes-facts">
      {rows.map((row) => (
        <div key={row.key}>
          <dt>{row.term}</dt>
          <dd>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Participation({ decision }: { decision: Decision }) {
  const { t } = useLocale();
  const groups = groupsOf(decision, t);
  const hasColleges = Object.keys(decision.colleges).length > 0;
  return (
    <section aria-labelledby="pv-participation" className="minutes__section">
      <h2 id="pv-participation">{t("decisions.minutes.participationHeading")}</h2>
      <div className="dtable-scroll" role="region" aria-labelledby="pv-groups-caption" tabIndex={0}>
        <table className="dtable minutes-table">
          <caption id="pv-groups-caption">{t("decisions.minutes.byGroupCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("decisions.minutes.group")}</th>
              <th scope="col">{t("decisions.minutes.tookPart")}</th>
              <th scope="col">{t("decisions.minutes.eligibleCol")}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr key={group.key}>
                <th scope="row">{group.label}</th>
                <td>{group.voters.filter((voter) => voter.voted).length}</td>
                <td>{countedVoters(group.voters).length}</td>
              </tr>
            ))}
            <tr className="minutes-table__total">
              <th scope="row">{t("decisions.minutes.allGroup")}</th>
              <td>{decision.voters.filter((voter) => voter.voted).length}</td>
              <td>{countedVoters(decision.voters).length}</td>
            </tr>
          </tbody>
        </table>
      </div>

      <div className="dtable-scroll" role="region" aria-labelledby="pv-voters-caption" tabIndex={0}>
        <table className="dtable minutes-table">
          <caption id="pv-voters-caption">{t("decisions.minutes.participantsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("decisions.minutes.name")}</th>
              <th scope="col">{t("decisions.minutes.role")}</th>
              {hasColleges ? <th scope="col">{t("decisions.minutes.college")}</th> : null}
              <th scope="col">{t("decisions.minutes.participated")}</th>
              <th scope="col">{t("decisions.minutes.choice")}</th>
            </tr>
          </thead>
          <tbody>
            {decision.voters.map((voter) => (
              <tr key={voter.user_id}>
                <th scope="row">{voter.name}</th>
                <td>{t(`roles.${voter.role}`)}</td>
                {hasColleges ? <td>{voter.college ?? t("decisions.minutes.none")}</td> : null}
                <td>
                  {voter.voted ? t("decisions.minutes.yes") : t("decisions.minutes.no")}
                  {voter.left ? ` ${t("decisions.minutes.leftSuffix")}` : null}
                </td>
                <td>
                  {!voter.voted
                    ? t("decisions.minutes.none")
                    : decision.secret
                      ? t("decisions.minutes.secretChoice")
                      : voter.choice
                        ? `${choiceLabel(t, decision.rule, voter.choice)}${
                            voter.choice === "objection" && voter.maintained === false ? ` ${t("decisions.page.withdrawnSuffix")}` : ""
                          }`
                        : t("decisions.minutes.none")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Minutes({ dossier, decision }: { dossier: Dossier; decision: Decision }) {
  const { t, lang, dateTime } = useLocale();
  const outcome = decision.outcome;
  const version = decision.revisions.at(-1)?.number ?? 1;
  const objections = outcome?.objections ?? decision.objections;
  const reasons = outcome ? (outcome.reasons[lang].length ? outcome.reasons[lang] : outcome.reasons.fr) : [];
  const earlier = decision.revisions.slice(0, -1);
  const current = decision.revisions.at(-1);
  return (
    <article className="minutes" aria-labelledby="pv-heading">
      <header className="minutes__header">
        <p className="minutes__kicker">{t("decisions.minutes.heading")}</p>
        <h1 id="pv-heading">{decision.title}</h1>
        <p className="minutes__dossier">
          {dossier.title} — {dossier.structure}
        </p>
        <div className="button-row no-print">
          <button type="button" className="button" onClick={() => window.print()}>
            {t("decisions.minutes.print")}
          </button>
          <Link to={`/dossiers/${dossier.id}/decisions/${decision.id}`}>{t("decisions.minutes.backToDecision")}</Link>
        </div>
        <ExportButtons target={{ kind: "minutes", dossierId: dossier.id, decisionId: decision.id }} className="no-print" />
      </header>

      <section aria-labelledby="pv-facts" className="minutes__section">
        <h2 id="pv-facts">{t("decisions.minutes.decision")}</h2>
        <Facts dossier={dossier} decision={decision} />
      </section>

      <section aria-labelledby="pv-text" className="minutes__section">
        <h2 id="pv-text">{t("decisions.minutes.textHeading", { number: version })}</h2>
        <div className="minutes__text pre-line long-text">{decision.text}</div>
        {current?.note ? <p className="minutes__note">{t("decisions.page.historyNote", { note: current.note })}</p> : null}
        {earlier.length > 0 ? (
          <>
            <h3>{t("decisions.minutes.earlierVersions")}</h3>
            <ol className="minutes__versions">
              {[...earlier].reverse().map((revision) => (
                <li key={revision.number}>
                  <p className="minutes__version-title">
                    <strong>{t("decisions.page.historyVersion", { number: revision.number, date: dateTime(revision.created_at) })}</strong>
                  </p>
                  {revision.note ? <p className="minutes__note">{t("decisions.page.historyNote", { note: revision.note })}</p> : null}
                  <div className="minutes__text pre-line long-text">{revision.text}</div>
                </li>
              ))}
            </ol>
          </>
        ) : null}
      </section>

      <Participation decision={decision} />

      {outcome ? (
        <section aria-labelledby="pv-tally" className="minutes__section">
          <h2 id="pv-tally">{t("decisions.page.tallyHeading")}</h2>
          <TallyTable decision={decision} outcome={outcome} />
        </section>
      ) : null}

      <section aria-labelledby="pv-objections" className="minutes__section">
        <h2 id="pv-objections">{t("decisions.minutes.objectionsHeading")}</h2>
        {objections.length === 0 ? (
          <p>{t("decisions.minutes.noObjections")}</p>
        ) : (
          <ul className="minutes__objections">
            {objections.map((objection, index) => (
              <li key={index}>
                <p>
                  <strong>{objection.voter ?? t("decisions.minutes.objectionAnonymous")}</strong> —{" "}
                  {objection.maintained ? t("decisions.minutes.objectionMaintained") : t("decisions.minutes.objectionWithdrawn")}
                </p>
                <blockquote className="pre-line long-text">{objection.reason}</blockquote>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="pv-outcome" className={`minutes__section minutes__outcome minutes__outcome--${outcome?.adopted ? "adopted" : "rejected"}`}>
        <h2 id="pv-outcome">{t("decisions.minutes.outcomeHeading")}</h2>
        <p className="minutes__verdict">{outcome?.adopted ? t("decisions.adopted") : t("decisions.notAdopted")}</p>
        {outcome ? <OrderNotApplied outcome={outcome} /> : null}
        <ul className="minutes__reasons">
          {reasons.map((reason, index) => (
            <li key={index} className="long-text">
              {reason}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="pv-statement" className="minutes__section">
        <h2 id="pv-statement">{t("decisions.minutes.statementHeading")}</h2>
        {decision.statement !== null ? (
          <>
            <p className="pre-line long-text">{decision.statement}</p>
            {decision.statement_at ? (
              <p className="minutes__signature">
                {t("decisions.minutes.statementBy", { name: decision.proposer.name, date: dateTime(decision.statement_at) })}
              </p>
            ) : null}
          </>
        ) : (
          <p>{t("decisions.minutes.statementNone")}</p>
        )}
      </section>

      <footer className="minutes__footer">
        <p>{t("decisions.minutes.generated", { date: dateTime(new Date().toISOString()) })}</p>
      </footer>
    </article>
  );
}

export function MinutesPage() {
  const { id, decisionId: rawDecisionId } = useParams();
  const dossierId = Number(id);
  const decisionId = Number(rawDecisionId);
  const { t } = useLocale();
  const { dossier, dossierError, decision, error } = useDecision(dossierId, decisionId);

  useDocumentTitle(decision ? `${t("decisions.minutes.title")} — ${decision.title}` : t("decisions.minutes.title"));

  if (dossierError && !dossier) return <DossierNotFound error={dossierError} />;
  if (!dossier) return <Loading />;
  if (error && !decision) return <DecisionLoadError dossier={dossier} error={error} />;
  if (!decision) return <Loading />;

  if (decision.state !== "closed") {
    return (
      <div className="page">
        <h1>{t("decisions.minutes.heading")}</h1>
        <p className="lead">{decision.title}</p>
        <p className="notice">{decision.state === "cancelled" ? t("decisions.minutes.cancelled") : t("decisions.minutes.notClosed")}</p>
        <p>
          <Link to={`/dossiers/${dossier.id}/decisions/${decision.id}`}>{t("decisions.minutes.backToDecision")}</Link>
        </p>
      </div>
    );
  }

  return <Minutes dossier={dossier} decision={decision} />;
}
