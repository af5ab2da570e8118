// Above a live document's questions: whether our changes are saved (announced
// politely), who is here now, and why the answers are read-only when they are.

import { useEffect, useId, useState } from "react";
import i18n from "../../../i18n";
import type { DocumentStatus, LiveDocument } from "../../../live/LiveDocument";
import { useLive, useStore } from "../../../live/hooks";
import { Store } from "../../../live/store";
import { useLocale } from "../../../i18n/format";

type StatusKind = "connecting" | "offline" | "saving" | "saved" | "readOnly" | "failed";

function statusKind(status: DocumentStatus): StatusKind {
  if (status.connection === "failed") return "failed";
  if (status.connection === "offline") return "offline";
  if (status.connection === "connecting") return "connecting";
  if (status.readOnly) return status.synced ? "readOnly" : "connecting";
  return status.saved ? "saved" : "saving";
}

/**
 * The kind to show: "saving" at once, "saved" once it has held for a moment,
 * so that typing does not make screen readers announce every keystroke's save.
 */
function useSteadyKind(kind: StatusKind): StatusKind {
  const [shown, setShown] = useState(kind);
  useEffect(() => {
    if (kind === shown) return;
    if (kind !== "saved") {
      setShown(kind);
      return;
    }
    const timer = setTimeout(() => setShown(kind), 700);
    return () => clearTimeout(timer);
  }, [kind, shown]);
  return shown;
}

export function liveErrorText(code: string): string {
  const key = `live.errors.${code}`;
  return i18n.exists(key) ? i18n.t(key) : i18n.t("live.errors.generic");
}

/** What went wrong, in plain words, when it matters to the reader. */
function problems(status: DocumentStatus, kind: StatusKind, unreachable: boolean): string[] {
  const error = status.error;
  if (status.connection === "failed") return [liveErrorText(error?.code ?? "generic")];
  if (status.connection === "offline" && unreachable) return [i18n.t("live.status.unreachable")];
  if (status.keptLocally) {
    const lines = error && error.code !== "read_only" ? [liveErrorText(error.code)] : [];
    return [...lines, i18n.t("live.status.keptLocally")];
  }
  if (error && kind === "saving") return [liveErrorText(error.code)];
  return [];
}

/** Outside a live connection (never in practice): nothing to report. */
const NEVER_UNREACHABLE = new Store(false);

export function LiveBar({ live, readOnlyNoteId, readOnlyNote }: { live: LiveDocument; readOnlyNoteId: string; readOnlyNote: string }) {
  const { t } = useLocale();
  const status = useStore(live.status);
  const people = useStore(live.presence);
  const kind = useSteadyKind(statusKind(status));
  const presenceLabelId = useId();
  const unreachable = useStore(useLive()?.unreachable ?? NEVER_UNREACHABLE);
  const lines = problems(status, kind, unreachable);

  return (
    <>
      {/* Sticky within the panel, so the save status stays in sight while writing further down. */}
      <div role="status" className={`live-status live-status--${kind}`}>
        <span className="live-status__dot" aria-hidden="true" />
        <span>{t(`live.status.${kind}`)}</span>
        {lines.map((line) => (
          <span key={line} className="live-status__problem">
            {line}
          </span>
        ))}
      </div>
      <div className="live-info">
        <p className="presence">
          <span id={presenceLabelId} className="presence__label">
            {t("live.presence.label")}
          </span>
          <span role="list" aria-labelledby={presenceLabelId} className="presence__list">
            {people.map((person) => (
              <span role="listitem" key={person.id} className="presence__person">
                <span className="presence__dot" style={{ backgroundColor: person.color }} aria-hidden="true" />
                <span className="presence__name">{person.isMe ? t("live.presence.me", { name: person.name }) : person.name}</span>
                {person.isMe ? null : <span className="presence__role"> ({t(`roles.${person.role}`)})</span>}
              </span>
            ))}
          </span>
        </p>
        {status.readOnly ? (
          <p id={readOnlyNoteId} className="readonly-note">
            {readOnlyNote}
          </p>
        ) : null}
      </div>
    </>
  );
}
