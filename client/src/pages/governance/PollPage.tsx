// /dossiers/:id/priorites/:pollId — one priority vote (ordre de priorité).
//
// While it is open, a voter ranks the actions (drag and drop with a pointer,
// or the "Monter"/"Descendre" buttons, ties and "non classées" with the
// keyboard) and saves the ballot, a list of groups (ties inside a group).
// Once closed, the page shows the result and everything needed to re-check it:
// the pairwise matrix, the strongest paths, the plain explanation and the tie
// rule. Live notices refetch the poll when anyone votes or it closes.

import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FormEvent, type PointerEvent as ReactPointerEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import * as api from "../../api/client";
import { castBallot, closePoll, countedVoters, getPoll, type Poll, type PollResult } from "../../api/governance";
import { ErrorAlert, StatusMessage } from "../../components/forms";
import { Loading } from "../../components/Layout";
import { ConfirmDialog } from "../../components/Modal";
import { useDocumentTitle } from "../../components/useDocumentTitle";
import { useDossier } from "../../components/useDossier";
import type { Language } from "../../i18n";
import { useLocale } from "../../i18n/format";
import { useDossierNotices, type Notice } from "../../live/notices";
import { useSession } from "../../session/SessionContext";
import { DossierNotFound } from "../dossier/DossierNotFound";

// --- shared with the list page ------------------------------------------------------

type TFunction = ReturnType<typeof useTranslation>["t"];

/** A French (or English) message for an error of the priority-vote API. */
export function pollErrorMessage(error: unknown, t: TFunction, exists: (key: string) => boolean): string {
  if (api.isApiError(error) && exists(`polls.errors.${error.code}`)) return t(`polls.errors.${error.code}`);
  return api.errorMessage(error);
}

export function PollStateBadge({ state }: { state: Poll["state"] }) {
  const { t } = useLocale();
  return <span className={`badge poll-badge poll-badge--${state}`}>{t(`polls.state.${state}`)}</span>;
}

/** Refetch on the dossier's governance notices (a vote cast, a poll opened or closed, a deadline) and on reconnection. */
export function useGovernanceRefresh(dossierId: number, refresh: () => void): void {
  useDossierNotices(dossierId, (notice: Notice) => {
    if (notice.event === "dossier" || notice.event === "governance") refresh();
  });
}

// --- numbers and names ---------------------------------------------------------------

const NUMBER_LOCALES: Record<Language, string> = { fr: "fr-FR", en: "en-GB" };

/** "7/3" (an exact fraction from the server) or "4" as a number. */
function fractionValue(text: string): number {
  const [numerator, denominator] = text.split("/");
  const value = Number(numerator) / (denominator === undefined ? 1 : Number(denominator));
  return Number.isFinite(value) ? value : 0;
}

/** A vote count as shown: integers as is, fractions as decimals (French comma), at most two places. */
export function formatVotes(text: string, lang: Language): string {
  return new Intl.NumberFormat(NUMBER_LOCALES[lang], { maximumFractionDigits: 2 }).format(fractionValue(text));
}

function titleOf(poll: Poll, id: number): string {
  return poll.result?.names[String(id)] ?? poll.candidates.find((c) => c.action_id === id)?.title ?? `#${id}`;
}

// --- the ranking model -----------------------------------------------------------------

/**
 * A ballot being edited: the ranked actions in order, those tied with the one
 * just above them (`tied`), and the unranked ones (tied last, in the dossier's order).
 */
interface Ranking {
  order: number[];
  tied: number[];
  unranked: number[];
}

function groupsOf(order: readonly number[], tied: readonly number[]): number[][] {
  const tiedSet = new Set(tied);
  const groups: number[][] = [];
  for (const id of order) {
    const last = groups[groups.length - 1];
    if (last && tiedSet.has(id)) last.push(id);
    else groups.push([id]);
  }
  return groups;
}

function fromBallot(candidates: readonly number[], ballot: number[][] | null): Ranking {
  if (!ballot || ballot.length === 0) return { order: [...candidates], tied: [], unranked: [] };
  const known = new Set(candidates);
  const order: number[] = [];
  const tied: number[] = [];
  for (const group of ballot) {
    group
      .filter((id) => known.has(id) && !order.includes(id))
      .forEach((id, index) => {
        order.push(id);
        if (index > 0) tied.push(id);
      });
  }
  return { order, tied, unranked: candidates.filter((id) => !order.includes(id)) };
}

function toBallot(ranking: Ranking): number[][] {
  return groupsOf(ranking.order, ranking.tied);
}

/** Each ranked action's place (1 = most important; tied actions share a place) and whether it is tied. */
function placesOf(ranking: Ranking): Map<number, { place: number; tied: boolean }> {
  const places = new Map<number, { place: number; tied: boolean }>();
  groupsOf(ranking.order, ranking.tied).forEach((group, index) => {
    for (const id of group) places.set(id, { place: index + 1, tied: group.length > 1 });
  });
  return places;
}

/**
 * The ties that survive a reordering: an action stays tied with the one now
 * above it only if both were in the same group before, and the moved action
 * leaves its ties (a move says "not at the same place any more").
 */
function relink(before: Ranking, order: readonly number[], moved: number): number[] {
  const group = new Map<number, number>();
  groupsOf(before.order, before.tied).forEach((members, index) => members.forEach((id) => group.set(id, index)));
  const tied: number[] = [];
  order.forEach((id, index) => {
    const previous = order[index - 1];
    if (previous === undefined || id === moved || previous === moved) return;
    const mine = group.get(id);
    if (mine !== undefined && mine === group.get(previous)) tied.push(id);
  });
  return tied;
}

function moveTo(ranking: Ranking, id: number, index: number): Ranking {
  const others = ranking.order.filter((other) => other !== id);
  const order = [...others.slice(0, index), id, ...others.slice(index)];
  return { ...ranking, order, tied: relink(ranking, order, id) };
}

// --- the ranking editor --------------------------------------------------------------------

const EDGE = 56; // px from the viewport's top or bottom where a drag scrolls the page

function RankingEditor({ dossierId, poll, onSaved }: { dossierId: number; poll: Poll; onSaved: (poll: Poll) => void }) {
  const { t, i18n } = useTranslation();
  const candidates = poll.candidates.map((c) => c.action_id);
  const title = (id: number) => titleOf(poll, id);

  const [ranking, setRanking] = useState<Ranking>(() => fromBallot(candidates, poll.my_ballot));
  const [saved, setSaved] = useState<string | null>(() => (poll.my_ballot ? JSON.stringify(poll.my_ballot) : null));
  const [justSaved, setJustSaved] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [drag, setDrag] = useState<{ id: number; preview: number[] } | null>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);

  const items = useRef(new Map<number, HTMLLIElement>());
  const controls = useRef(new Map<string, HTMLElement>());
  const dragRef = useRef(drag);
  dragRef.current = drag;
  const rankingRef = useRef(ranking);
  rankingRef.current = ranking;

  const ballot = toBallot(ranking);
  const dirty = JSON.stringify(ballot) !== saved;

  useEffect(() => {
    if (focusKey === null) return;
    controls.current.get(focusKey)?.focus();
    setFocusKey(null);
  }, [focusKey]);

  const control = (key: string) => (element: HTMLElement | null) => {
    if (element) controls.current.set(key, element);
    else controls.current.delete(key);
  };

  const change = (next: Ranking, message: string) => {
    setRanking(next);
    setAnnouncement(message);
    setJustSaved(false);
    setError(null);
  };

  const placeMessage = (next: Ranking, id: number) => {
    const places = placesOf(next);
    const where = places.get(id);
    const total = groupsOf(next.order, next.tied).length;
    if (!where) return "";
    return t(where.tied ? "polls.movedToTied" : "polls.movedTo", { title: title(id), place: where.place, total });
  };

  const move = (id: number, delta: -1 | 1) => {
    const index = ranking.order.indexOf(id);
    const target = index + delta;
    if (index < 0 || target < 0 || target >= ranking.order.length) return;
    const next = moveTo(ranking, id, target);
    change(next, placeMessage(next, id));
    // Keep focus on the pressed button, or on the other one when this one is now disabled.
    const atTop = target === 0;
    const atBottom = target === next.order.length - 1;
    setFocusKey(delta < 0 ? (atTop ? `${id}-down` : `${id}-up`) : atBottom ? `${id}-up` : `${id}-down`);
  };

  const setTie = (id: number, on: boolean) => {
    const index = ranking.order.indexOf(id);
    const previous = ranking.order[index - 1];
    if (previous === undefined) return;
    const tied = on ? [...ranking.tied.filter((other) => other !== id), id] : ranking.tied.filter((other) => other !== id);
    change(
      { ...ranking, tied },
      t(on ? "polls.tiedWith" : "polls.untied", { title: title(id), previous: title(previous) }),
    );
  };

  const unrank = (id: number) => {
    const order = ranking.order.filter((other) => other !== id);
    const unranked = candidates.filter((c) => c === id || ranking.unranked.includes(c));
    change({ order, tied: relink(ranking, order, id), unranked }, t("polls.unranked", { title: title(id) }));
    setFocusKey(`${id}-rank`);
  };

  const rank = (id: number) => {
    const order = [...ranking.order, id];
    const next = { order, tied: relink(ranking, order, id), unranked: ranking.unranked.filter((other) => other !== id) };
    change(next, t("polls.ranked", { title: title(id), place: placesOf(next).get(id)?.place ?? order.length }));
    setFocusKey(order.length > 1 ? `${id}-up` : `${id}-unrank`);
  };

  // Drag and drop with pointer events (mouse, touch, pen): the list reorders
  // under the pointer; Escape or a cancelled pointer puts it back.
  const dragging = drag?.id ?? null;
  useLayoutEffect(() => {
    if (dragging === null) return;
    const onMove = (event: PointerEvent) => {
      const current = dragRef.current;
      if (!current) return;
      event.preventDefault();
      const others = current.preview.filter((id) => id !== current.id);
      let index = 0;
      for (const id of others) {
        const rect = items.current.get(id)?.getBoundingClientRect();
        if (rect && rect.top + rect.height / 2 < event.clientY) index += 1;
      }
      const preview = [...others.slice(0, index), current.id, ...others.slice(index)];
      if (preview.join() !== current.preview.join()) setDrag({ id: current.id, preview });
      if (event.clientY < EDGE) window.scrollBy(0, -12);
      else if (event.clientY > window.innerHeight - EDGE) window.scrollBy(0, 12);
    };
    const onUp = () => {
      const current = dragRef.current;
      setDrag(null);
      if (!current) return;
      const before = rankingRef.current;
      if (current.preview.join() === before.order.join()) return;
      const next = moveTo(before, current.id, current.preview.indexOf(current.id));
      change(next, placeMessage(next, current.id));
    };
    const onCancel = () => {
      setDrag(null);
      setAnnouncement(t("polls.dragCancelled"));
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onCancel();
    };
    window.addEventListener("pointermove", onMove);
    window.addEventListener("pointerup", onUp);
    window.addEventListener("pointercancel", onCancel);
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("pointermove", onMove);
      window.removeEventListener("pointerup", onUp);
      window.removeEventListener("pointercancel", onCancel);
      window.removeEventListener("keydown", onKey);
    };
    // The listeners read the latest state through refs: they only depend on which action is dragged.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dragging]);

  const startDrag = (id: number) => (event: ReactPointerEvent<HTMLElement>) => {
    if (event.button !== 0 || busy) return;
    event.preventDefault();
    setDrag({ id, preview: [...ranking.order] });
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setJustSaved(false);
    if (ranking.order.length === 0) {
      setError(t("polls.needOne"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await castBallot(dossierId, poll.id, ballot);
      setSaved(JSON.stringify(ballot));
      setJustSaved(true);
      onSaved(updated);
    } catch (reason) {
      setError(pollErrorMessage(reason, t, (key) => i18n.exists(key)));
    } finally {
      setBusy(false);
    }
  };

  const shown: Ranking = drag ? { ...ranking, order: drag.preview, tied: relink(ranking, drag.preview, drag.id) } : ranking;
  const places = placesOf(shown);

  return (
    <section aria-labelledby="rank-heading" className="block">
      <h2 id="rank-heading">{t("polls.rankHeading")}</h2>
      <p>{t("polls.rankIntro")}</p>
      <p className="hint">
        {poll.my_ballot ? t("polls.savedBefore") : t("polls.rankStart")} {t("polls.rankTies")}
      </p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate aria-labelledby="rank-heading">
        <h3 id="ranked-heading" className="ranking-subheading">
          {t("polls.rankedHeading")}
        </h3>
        {shown.order.length === 0 ? <p className="empty">{t("polls.needOne")}</p> : null}
        <ol className={`ranking-list${drag ? " ranking-list--dragging" : ""}`} aria-label={t("polls.rankedLabel")}>
          {shown.order.map((id, index) => {
            const where = places.get(id);
            const name = title(id);
            const isTied = shown.tied.includes(id);
            return (
              <li
                key={id}
                ref={(element) => {
                  if (element) items.current.set(id, element);
                  else items.current.delete(id);
                }}
                className={`ranking-item${drag?.id === id ? " ranking-item--dragged" : ""}${where?.tied ? " ranking-item--tied" : ""}`}
              >
                <span
                  className="ranking-item__handle"
                  aria-hidden="true"
                  title={t("polls.dragHandle", { title: name })}
                  onPointerDown={startDrag(id)}
                >
                  ⠿
                </span>
                <span className="ranking-item__place">
                  <span aria-hidden="true">{where?.place}</span>
                  <span className="sr-only">{t("polls.placeLabel", { place: where?.place })}</span>
                  {where?.tied ? <span className="ranking-item__tie">{t("polls.placeTied")}</span> : null}
                </span>
                <span className="ranking-item__title">{name}</span>
                <span className="ranking-item__tools">
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    ref={control(`${id}-up`)}
                    disabled={index === 0}
                    onClick={() => move(id, -1)}
                  >
                    <span aria-hidden="true">↑</span> {t("polls.moveUp")}
                    <span className="sr-only"> « {name} »</span>
                  </button>
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    ref={control(`${id}-down`)}
                    disabled={index === shown.order.length - 1}
                    onClick={() => move(id, 1)}
                  >
                    <span aria-hidden="true">↓</span> {t("polls.moveDown")}
                    <span className="sr-only"> « {name} »</span>
                  </button>
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    ref={control(`${id}-unrank`)}
                    onClick={() => unrank(id)}
                  >
                    {t("polls.unrank")}
                    <span className="sr-only"> « {name} »</span>
                  </button>
                </span>
                {index > 0 ? (
                  <span className="ranking-item__tie-choice">
                    <input
                      type="checkbox"
                      id={`tie-${id}`}
                      checked={isTied}
                      onChange={(event) => setTie(id, event.target.checked)}
                    />
                    <label htmlFor={`tie-${id}`}>
                      {t("polls.tieLabel")}
                      <span className="sr-only"> « {name} »</span>
                    </label>
                  </span>
                ) : null}
              </li>
            );
          })}
        </ol>

        <h3 id="unranked-heading" className="ranking-subheading">
          {t("polls.unrankedHeading")}
        </h3>
        <p className="hint">{t("polls.unrankedHint")}</p>
        {ranking.unranked.length === 0 ? (
          <p className="empty">{t("polls.noUnranked")}</p>
        ) : (
          <ul className="ranking-list ranking-list--unranked" aria-labelledby="unranked-heading">
            {ranking.unranked.map((id) => (
              <li key={id} className="ranking-item ranking-item--unranked">
                <span className="ranking-item__title">{title(id)}</span>
                <span className="ranking-item__tools">
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    ref={control(`${id}-rank`)}
                    onClick={() => rank(id)}
                  >
                    {t("polls.rank")}
                    <span className="sr-only"> « {title(id)} »</span>
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}

        <p role="status" aria-live="polite" className="ranking-announcement">
          {announcement}
        </p>
        <ErrorAlert message={error} />
        <div className="button-row">
          <button type="submit" className="button button--large" aria-disabled={busy || undefined}>
            {t("polls.save")}
          </button>
        </div>
        <StatusMessage message={justSaved && !dirty ? t("polls.saved") : null} />
        {dirty && saved !== null ? <p className="notice">{t("polls.unsaved")}</p> : null}
      </form>
    </section>
  );
}

// --- voters and named ballots ----------------------------------------------------------------

function Voters({ poll }: { poll: Poll }) {
  const { t } = useLocale();
  const { user } = useSession();
  const voted = poll.voters.filter((v) => v.voted).length;
  return (
    <section aria-labelledby="voters-heading" className="block">
      <h2 id="voters-heading">{t("polls.votersHeading")}</h2>
      <p>
        <strong>{t("polls.votedCount", { count: voted, total: countedVoters(poll.voters).length })}</strong>
      </p>
      <ul className="voter-list">
        {poll.voters.map((voter) => (
          <li key={voter.user_id} className={`voter${voter.voted ? " voter--voted" : ""}`}>
            <span className="voter__mark" aria-hidden="true">
              {voter.voted ? "✓" : "…"}
            </span>
            <span className="voter__name">
              {voter.name}
              {user && user.id === voter.user_id ? ` (${t("common.you")})` : null}
            </span>
            <span className="voter__meta">
              {t(`roles.${voter.role}`, { defaultValue: voter.role })}
              {voter.college ? ` · ${t("polls.voterCollege", { college: voter.college })}` : null}
            </span>
            <span className="voter__state">
              {voter.left
                ? voter.voted
                  ? t("polls.voterLeftVoted")
                  : t("polls.voterLeftNotVoted")
                : voter.voted
                  ? t("polls.voterVoted")
                  : t("polls.voterNotVoted")}
            </span>
          </li>
        ))}
      </ul>
      {poll.ballots !== null ? <NamedBallots poll={poll} /> : null}
    </section>
  );
}

function NamedBallots({ poll }: { poll: Poll }) {
  const { t } = useLocale();
  const ballots = poll.ballots ?? [];
  return (
    <>
      <h3>{t("polls.ballotsHeading")}</h3>
      <p className="hint">{t("polls.ballotsIntro")}</p>
      {ballots.length === 0 ? (
        <p className="empty">{t("polls.noBallots")}</p>
      ) : (
        <ul className="ballot-list">
          {ballots.map((ballot) => {
            const ranked = new Set(ballot.ranking.flat());
            const unranked = poll.candidates.filter((c) => !ranked.has(c.action_id)).map((c) => titleOf(poll, c.action_id));
            const headingId = `ballot-${ballot.voter.user_id}`;
            return (
              <li key={ballot.voter.user_id} className="card ballot-card">
                <p id={headingId} className="ballot-card__name">
                  <strong>{t("polls.ballotOf", { name: ballot.voter.name })}</strong>
                </p>
                <ol className="ballot-card__groups" aria-labelledby={headingId}>
                  {ballot.ranking.map((group, index) => (
                    <li key={index}>
                      <span className="ballot-card__place">{index + 1}.</span> {group.map((id) => titleOf(poll, id)).join(" = ")}
                      {group.length > 1 ? <span className="hint"> ({t("polls.placeTied")})</span> : null}
                    </li>
                  ))}
                </ol>
                {unranked.length ? <p className="hint">{t("polls.ballotUnranked", { titles: unranked.join(", ") })}</p> : null}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

// --- the result --------------------------------------------------------------------------------

function Matrix({
  poll,
  result,
  values,
  caption,
  region,
  id,
}: {
  poll: Poll;
  result: PollResult;
  values: (string | null)[][];
  caption: string;
  region: string;
  id: string;
}) {
  const { t, lang } = useLocale();
  // Rows and columns follow the resulting order (winner first); the server's matrices follow `candidates`.
  const index = new Map(poll.candidates.map((c, i) => [c.action_id, i]));
  const cell = (a: number, b: number) => values[index.get(a) ?? -1]?.[index.get(b) ?? -1] ?? null;
  const order = result.order;
  return (
    <div className="table-scroll" role="region" aria-label={region} tabIndex={0}>
      <table className="matrix" id={id}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <td className="matrix__corner">
              <span className="sr-only">{t("polls.rowHeader")}</span>
            </td>
            {order.map((b, i) => (
              <th key={b} scope="col">
                <span className="matrix__rank" aria-hidden="true">
                  {i + 1}.
                </span>{" "}
                <span className="matrix__col-title">{titleOf(poll, b)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {order.map((a, i) => (
            <tr key={a}>
              <th scope="row">
                <span className="matrix__rank" aria-hidden="true">
                  {i + 1}.
                </span>{" "}
                {titleOf(poll, a)}
              </th>
              {order.map((b) => {
                if (a === b)
                  return (
                    <td key={b} className="matrix__diagonal">
                      <span aria-hidden="true">—</span>
                      <span className="sr-only">{t("polls.diagonal")}</span>
                    </td>
                  );
                const value = cell(a, b) ?? "0";
                const wins = fractionValue(value) > fractionValue(cell(b, a) ?? "0");
                return (
                  <td key={b} className={wins ? "matrix__win" : undefined}>
                    {wins ? <strong>{formatVotes(value, lang)}</strong> : formatVotes(value, lang)}
                    {wins ? <span className="sr-only">, {t("polls.wins")}</span> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ResultView({ dossierId, poll, result }: { dossierId: number; poll: Poll; result: PollResult }) {
  const { t, lang, dateTime } = useLocale();
  const tieRule = result.tie_rule[lang] || result.tie_rule.fr;
  const explanation = (result.explanation[lang].length ? result.explanation[lang] : result.explanation.fr).filter(
    (line) => line !== tieRule,
  );
  return (
    <section aria-labelledby="result-heading" className="block">
      <h2 id="result-heading" tabIndex={-1}>
        {t("polls.resultHeading")}
      </h2>
      <h3 id="order-heading">{t("polls.orderHeading")}</h3>
      <ol className="result-order" aria-labelledby="order-heading">
        {result.order.map((id) => (
          <li key={id}>{titleOf(poll, id)}</li>
        ))}
      </ol>

      {poll.adopted_at ? (
        <div className="adoption adoption--done">
          <p>
            <strong>{t("polls.adopted", { date: dateTime(poll.adopted_at) })}</strong>
          </p>
          <p>
            <Link to={`/dossiers/${dossierId}/register`}>
              {poll.adopted_register_sequence !== null
                ? t("polls.registerLink", { sequence: poll.adopted_register_sequence })
                : t("polls.registerLinkPlain")}
            </Link>
          </p>
        </div>
      ) : (
        <div className="adoption">
          <p>
            <strong>{t("polls.notAdoptedText")}</strong>
          </p>
          {result.ballot_count === 0 ? <p>{t("polls.notAdoptedNoBallot")}</p> : null}
          {!poll.adopt_on_close ? <p>{t("polls.notAdoptedByDecision")}</p> : null}
          {poll.may_propose_adoption ? (
            <p>
              <Link className="button button--secondary" to={`/dossiers/${dossierId}/decisions?adopter=${poll.id}`}>
                {t("polls.proposeAdoption")}
              </Link>
            </p>
          ) : null}
        </div>
      )}

      <h3>{t("polls.whyHeading")}</h3>
      <div className="explanation">
        {explanation.map((line, i) => (
          <p key={i}>{line}</p>
        ))}
      </div>

      <h3>{t("polls.tieRuleHeading")}</h3>
      <p className="tie-rule">{tieRule}</p>

      <h3>{t("polls.pairwiseHeading")}</h3>
      <p className="hint">{t("polls.pairwiseIntro")}</p>
      <Matrix
        id="pairwise"
        poll={poll}
        result={result}
        values={result.pairwise}
        caption={t("polls.pairwiseCaption")}
        region={t("polls.pairwiseRegion")}
      />

      <h3>{t("polls.strongestHeading")}</h3>
      <p className="hint">{t("polls.strongestIntro")}</p>
      <Matrix
        id="strongest"
        poll={poll}
        result={result}
        values={result.strongest}
        caption={t("polls.strongestCaption")}
        region={t("polls.strongestRegion")}
      />

      <h3>{t("polls.pathsHeading")}</h3>
      {result.paths.length === 0 ? (
        <p className="empty">{t("polls.noPaths")}</p>
      ) : (
        <ul className="path-list">
          {result.paths.map((path) => (
            <li key={`${path.source}-${path.target}`}>
              {t("polls.path", {
                path: path.path.map((id) => titleOf(poll, id)).join(" → "),
                strength: formatVotes(path.strength, lang),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// --- the page ------------------------------------------------------------------------------------

function CloseControl({ dossierId, poll, onClosed }: { dossierId: number; poll: Poll; onClosed: (poll: Poll) => void }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const closed = await closePoll(dossierId, poll.id);
      setOpen(false);
      onClosed(closed);
    } catch (reason) {
      setError(pollErrorMessage(reason, t, (key) => i18n.exists(key)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="button-row">
        <button
          type="button"
          className="button button--danger-outline"
          onClick={() => {
            setError(null);
            setOpen(true);
          }}
        >
          {t("polls.closeNow")}
        </button>
      </div>
      <ConfirmDialog
        open={open}
        title={t("polls.closeTitle")}
        text={t("polls.closeText")}
        confirmLabel={t("polls.closeConfirm")}
        onConfirm={() => void confirm()}
        onCancel={() => setOpen(false)}
        busy={busy}
        error={error}
      />
    </>
  );
}

export function PollPage() {
  const { id, pollId } = useParams();
  const dossierId = Number(id);
  const pollNumber = Number(pollId);
  const { t, i18n } = useTranslation();
  const { dateTime } = useLocale();
  const { dossier, error: dossierError, reload: reloadDossier } = useDossier(dossierId);
  const [poll, setPoll] = useState<Poll | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const lastState = useRef<Poll["state"] | null>(null);

  useDocumentTitle(dossier ? `${t("polls.pollHeading")} — ${dossier.title}` : t("polls.pollHeading"));

  const load = useCallback(async () => {
    if (!Number.isInteger(pollNumber) || pollNumber <= 0) {
      setError(new api.ApiError(404, "not_found", "Bad poll id"));
      return;
    }
    try {
      setPoll(await getPoll(dossierId, pollNumber));
      setError(null);
    } catch (reason) {
      setError(reason);
    }
  }, [dossierId, pollNumber]);

  useEffect(() => {
    setPoll(null);
    void load();
  }, [load]);

  useGovernanceRefresh(dossierId, () => {
    void load();
    void reloadDossier();
  });

  // Say it when the vote closes while the page is open (by the deadline or by someone else).
  useEffect(() => {
    if (!poll) return;
    if (lastState.current === "open" && poll.state === "closed") setStatus(t("polls.closedNow"));
    lastState.current = poll.state;
  }, [poll, t]);

  if (dossierError && !dossier) return <DossierNotFound error={dossierError} />;
  if (!dossier) return <Loading />;

  const header = (
    <div className="page-header">
      <h1>{t("polls.pollHeading")}</h1>
      <p className="lead">{t("polls.dossierLine", { title: dossier.title })}</p>
      <ul className="back-links">
        <li>
          <Link to={`/dossiers/${dossier.id}`}>{t("polls.backToDossier")}</Link>
        </li>
        <li>
          <Link to={`/dossiers/${dossier.id}/priorites`}>{t("polls.backToPolls")}</Link>
        </li>
      </ul>
    </div>
  );

  if (!poll) {
    return (
      <div className="page">
        {header}
        {error ? (
          <ErrorAlert
            message={api.isApiError(error, "not_found") ? t("polls.notFound") : pollErrorMessage(error, t, (key) => i18n.exists(key))}
          />
        ) : (
          <p aria-busy="true">{t("app.loading")}</p>
        )}
      </div>
    );
  }

  const voted = poll.voters.filter((v) => v.voted).length;
  const isOpen = poll.state === "open";

  return (
    <div className="page poll-page">
      {header}
      <StatusMessage message={status} />
      {error ? <ErrorAlert message={t("polls.refreshFailed")} /> : null}

      <section aria-labelledby="about-heading" className="block card poll-about">
        <h2 id="about-heading">
          {t("polls.aboutHeading")} <PollStateBadge state={poll.state} />
        </h2>
        <ul className="poll-facts">
          <li>{t("polls.openedBy", { name: poll.opened_by.name, date: dateTime(poll.opened_at) })}</li>
          <li>
            <strong>
              {poll.closed_at
                ? t("polls.closedOn", { date: dateTime(poll.closed_at) })
                : t("polls.closesOn", { date: dateTime(poll.closes_at) })}
            </strong>
          </li>
          <li>{poll.secret ? t("polls.secretExplain") : t("polls.namedExplain")}</li>
          {isOpen ? <li>{poll.adopt_on_close ? t("polls.adoptOnClose") : t("polls.adoptByDecision")}</li> : null}
          <li>{t("polls.votedCount", { count: voted, total: countedVoters(poll.voters).length })}</li>
        </ul>
        {isOpen && !poll.may_vote ? <p className="notice">{t("polls.cannotVote")}</p> : null}
        {poll.may_close ? (
          <CloseControl
            dossierId={dossier.id}
            poll={poll}
            onClosed={(closed) => {
              setPoll(closed);
              void reloadDossier();
            }}
          />
        ) : null}
      </section>

      {isOpen && poll.may_vote ? <RankingEditor key={poll.id} dossierId={dossier.id} poll={poll} onSaved={setPoll} /> : null}

      {poll.state === "closed" && poll.result ? <ResultView dossierId={dossier.id} poll={poll} result={poll.result} /> : null}

      <Voters poll={poll} />
    </div>
  );
}
