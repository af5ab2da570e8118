// Buttons that download a file the server produces (docs/api.md, "Exports"):
// the dossier as PDF or Word, or the procès-verbal of a closed decision.
//
// The file is fetched (the session cookie goes along), then saved through a
// Blob object URL and a temporary <a download>. While the server works (about
// a second for a small dossier, up to ten for a large one) the button is
// marked busy and a polite live region says so; then it says which file was
// saved, or why it could not be produced.

import { useEffect, useId, useRef, useState } from "react";
import i18n from "../i18n";
import { useLocale } from "../i18n/format";
import { translateErrorCode } from "../api/client";

export type ExportFormat = "pdf" | "docx";

export type ExportTarget =
  | { kind: "dossier"; dossierId: number }
  | { kind: "minutes"; dossierId: number; decisionId: number };

const FORMATS: readonly ExportFormat[] = ["pdf", "docx"];

export function exportUrl(target: ExportTarget, format: ExportFormat): string {
  const base = `/api/dossiers/${target.dossierId}`;
  return target.kind === "dossier" ? `${base}/export.${format}` : `${base}/decisions/${target.decisionId}/minutes.${format}`;
}

function fallbackName(target: ExportTarget, format: ExportFormat): string {
  return target.kind === "dossier"
    ? `dossier-${target.dossierId}.${format}`
    : `proces-verbal-${target.dossierId}-${target.decisionId}.${format}`;
}

/** The file name a Content-Disposition header gives: filename* (RFC 5987) first, then filename. */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended?.[2]) {
    try {
      const name = decodeURIComponent(extended[2].trim().replace(/^"(.*)"$/, "$1"));
      if (name) return safeName(name);
    } catch {
      // A malformed escape: fall back to the plain filename.
    }
  }
  const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i.exec(header);
  if (plain) {
    const name = (plain[2] !== undefined ? plain[2].replace(/\\(.)/g, "$1") : (plain[1] ?? "")).trim();
    if (name) return safeName(name);
  }
  return null;
}

function safeName(name: string): string {
  // Never a path: keep the last segment only.
  return name.split(/[\\/]/).pop() || name;
}

/** A French (or English) message for an error reply of an export route. */
async function failureMessage(response: Response): Promise<string> {
  let code = `http_${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown } };
    if (body && body.error && typeof body.error.code === "string") code = body.error.code;
  } catch {
    // Not JSON (a proxy's page): keep the HTTP status.
  }
  if (code === `http_${response.status}` && response.status === 404) code = "not_found";
  const own = `export.errors.${code}`;
  return i18n.exists(own) ? i18n.t(own) : translateErrorCode(code);
}

function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  link.style.display = "none";
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser time to start reading the blob before letting it go.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

type Status =
  | { kind: "idle" }
  | { kind: "busy"; format: ExportFormat }
  | { kind: "done"; format: ExportFormat; filename: string }
  | { kind: "failed"; format: ExportFormat; message: string };

interface Props {
  target: ExportTarget;
  /** A visible heading for the group; without it, the group is named by `label`. */
  heading?: string;
  headingLevel?: 2 | 3;
  /** The dossier is a draft: say that the file carries "BROUILLON". */
  draft?: boolean;
  className?: string;
}

export function ExportButtons({ target, heading, headingLevel = 2, draft = false, className }: Props) {
  const { t } = useLocale();
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const headingId = useId();
  const hintId = useId();
  const controller = useRef<AbortController | null>(null);
  const group = target.kind === "dossier" ? "dossier" : "minutes";

  useEffect(() => () => controller.current?.abort(), []);

  const run = async (format: ExportFormat) => {
    if (status.kind === "busy") return;
    const abort = new AbortController();
    controller.current = abort;
    setStatus({ kind: "busy", format });
    let response: Response;
    try {
      response = await fetch(exportUrl(target, format), {
        credentials: "same-origin",
        headers: { Accept: format === "pdf" ? "application/pdf" : "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
        signal: abort.signal,
      });
    } catch {
      if (abort.signal.aborted) return;
      setStatus({ kind: "failed", format, message: translateErrorCode("network_error") });
      return;
    }
    if (abort.signal.aborted) return;
    if (!response.ok) {
      const message = await failureMessage(response);
      if (!abort.signal.aborted) setStatus({ kind: "failed", format, message });
      return;
    }
    let blob: Blob;
    try {
      blob = await response.blob();
    } catch {
      if (!abort.signal.aborted) setStatus({ kind: "failed", format, message: translateErrorCode("network_error") });
      return;
    }
    if (abort.signal.aborted) return;
    if ((response.headers.get("Content-Type") ?? "").includes("json") || blob.size === 0) {
      setStatus({ kind: "failed", format, message: translateErrorCode("bad_response") });
      return;
    }
    const filename = filenameFromDisposition(response.headers.get("Content-Disposition")) ?? fallbackName(target, format);
    saveBlob(blob, filename);
    setStatus({ kind: "done", format, filename });
  };

  const HeadingTag = headingLevel === 3 ? "h3" : "h2";
  const busy = status.kind === "busy";

  return (
    <div
      className={["export", className].filter(Boolean).join(" ")}
      role="group"
      aria-labelledby={heading ? headingId : undefined}
      aria-label={heading ? undefined : t(`export.${group}.label`)}
      aria-describedby={hintId}
    >
      {heading ? (
        <HeadingTag id={headingId} className="export__heading">
          {heading}
        </HeadingTag>
      ) : null}
      <div className="button-row export__buttons">
        {FORMATS.map((format) => {
          const mine = busy && status.format === format;
          return (
            <button
              key={format}
              type="button"
              className={`button button--secondary export__button${mine ? " export__button--busy" : ""}`}
              aria-disabled={busy ? true : undefined}
              aria-busy={mine ? true : undefined}
              onClick={() => void run(format)}
            >
              {mine ? <span className="export__spinner" aria-hidden="true" /> : null}
              {t(`export.${group}.${format}`)}
            </button>
          );
        })}
      </div>
      <p id={hintId} className="hint export__hint">
        {t(`export.${group}.hint`)}
        {draft ? ` ${t("export.draftHint")}` : ""}
      </p>
      <p className="export__status" role="status" aria-live="polite">
        {status.kind === "busy" ? t(`export.preparing.${status.format}`) : null}
        {status.kind === "done" ? t(`export.ready.${status.format}`, { name: status.filename }) : null}
      </p>
      {status.kind === "failed" ? (
        <div className="alert alert--error export__error" role="alert">
          <p>
            {t(`export.failed.${status.format}`)} {status.message}
          </p>
        </div>
      ) : null}
    </div>
  );
}
