// The comments of one question: threads (on the question, or on a passage of
// the answer), replies, resolve / reopen, and a new comment. Bodies are shown
// as plain text (React escapes them), never as HTML.

import type { Editor } from "@tiptap/core";
import { useId, useMemo, useState, type FormEvent, type RefObject } from "react";
import * as api from "../../../api/client";
import type { Person, Thread } from "../../../api/types";
import { ErrorAlert } from "../../../components/forms";
import { useStore } from "../../../live/hooks";
import type { LiveDocument } from "../../../live/LiveDocument";
import { useLocale } from "../../../i18n/format";
import { resolvePassage, type Passage } from "./anchors";
import { useDossierLive } from "./context";
import { passageKey } from "./extensions";

function usePersonName() {
  const { t } = useLocale();
  return (person: Person | null) => {
    if (!person) return "";
    return person.role ? t("live.comments.author", { name: person.display_name, role: t(`roles.${person.role}`) }) : person.display_name;
  };
}

function ThreadItem({ thread, editor, live, canComment }: { thread: Thread; editor: Editor | null; live: LiveDocument; canComment: boolean }) {
  const { t, dateTime } = useLocale();
  const context = useDossierLive();
  const personName = usePersonName();
  const [replyOpen, setReplyOpen] = useState(false);
  const [reply, setReply] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState("");
  const replyId = useId();
  const dossierId = context?.dossier.id ?? 0;
  const resolved = thread.resolved_at !== null;
  const mine = context !== null && thread.created_by.id === context.userId;
  const canSettle = canComment && (mine || context?.dossier.my_role === "lead");
  const first = thread.comments[0];

  const run = async (action: () => Promise<Thread>, done?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      live.threads.upsert(await action());
      done?.();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const sendReply = (event: FormEvent) => {
    event.preventDefault();
    if (!reply.trim()) return;
    void run(
      () => api.replyToThread(dossierId, thread.id, reply),
      () => {
        setReply("");
        setReplyOpen(false);
        setNote(t("live.comments.replied"));
      },
    );
  };

  const showPassage = () => {
    if (!editor || !thread.anchor) return;
    const range = resolvePassage(editor, thread.anchor);
    if (!range) {
      setNote(t("live.comments.passageGone"));
      return;
    }
    setNote("");
    editor.view.dispatch(editor.state.tr.setMeta(passageKey, range));
    editor.chain().focus().setTextSelection(range).scrollIntoView().run();
  };

  return (
    <li className={`thread${resolved ? " thread--resolved" : ""}`}>
      <article aria-label={t("live.comments.thread", { name: thread.created_by.display_name })}>
        {resolved ? <p className="thread__tag">{t("live.comments.resolvedTag")}</p> : null}
        {thread.quote ? (
          <div className="thread__passage">
            <p className="thread__passage-label">{t("live.comments.onPassage")}</p>
            <blockquote className="thread__quote">{t("live.comments.quote", { quote: thread.quote })}</blockquote>
            {thread.anchor && editor ? (
              <button type="button" className="link-button" onClick={showPassage}>
                {t("live.comments.showPassage")}
              </button>
            ) : null}
          </div>
        ) : null}
        <ul className="comment-list">
          {thread.comments.map((comment) => (
            <li key={comment.id} className={`comment${comment === first ? " comment--first" : ""}`}>
              <p className="comment__meta">
                <span className="comment__author">{personName(comment.author)}</span>
                <span aria-hidden="true"> · </span>
                <time dateTime={comment.created_at}>{dateTime(comment.created_at)}</time>
              </p>
              <p className="comment__body pre-line">{comment.body}</p>
            </li>
          ))}
        </ul>
        {resolved && thread.resolved_by && thread.resolved_at ? (
          <p className="thread__resolved">
            {t("live.comments.resolvedBy", { name: thread.resolved_by.display_name, date: dateTime(thread.resolved_at) })}
          </p>
        ) : null}
        <p className="status-message status-message--small" role="status">
          {note}
        </p>
        {error ? <ErrorAlert message={api.errorMessage(error)} /> : null}
        {canComment ? (
          <div className="button-row thread__tools">
            <button
              type="button"
              className="button button--small button--secondary"
              aria-expanded={replyOpen}
              aria-controls={replyOpen ? `${replyId}-form` : undefined}
              onClick={() => setReplyOpen((open) => !open)}
            >
              {t("live.comments.reply")}
            </button>
            {canSettle ? (
              resolved ? (
                <button
                  type="button"
                  className="button button--small button--secondary"
                  disabled={busy}
                  onClick={() => void run(() => api.reopenThread(dossierId, thread.id))}
                >
                  {t("live.comments.reopen")}
                </button>
              ) : (
                <button
                  type="button"
                  className="button button--small button--secondary"
                  disabled={busy}
                  onClick={() => void run(() => api.resolveThread(dossierId, thread.id))}
                >
                  {t("live.comments.resolve")}
                </button>
              )
            ) : null}
          </div>
        ) : null}
        {canComment && replyOpen ? (
          <form id={`${replyId}-form`} className="comment-form" onSubmit={sendReply}>
            <div className="field">
              <label htmlFor={replyId}>{t("live.comments.replyLabel")}</label>
              <textarea id={replyId} rows={2} maxLength={5000} value={reply} onChange={(event) => setReply(event.target.value)} autoFocus />
            </div>
            <div className="button-row">
              <button type="submit" className="button button--small" disabled={busy || !reply.trim()}>
                {t("live.comments.replySubmit")}
              </button>
              <button type="button" className="button button--small button--secondary" onClick={() => setReplyOpen(false)}>
                {t("common.cancel")}
              </button>
            </div>
          </form>
        ) : null}
      </article>
    </li>
  );
}

export function Comments({
  live,
  question,
  editor,
  open,
  onToggle,
  passage,
  onDropPassage,
  onPosted,
  canComment,
  commentBox,
}: {
  live: LiveDocument;
  question: string;
  editor: Editor | null;
  open: boolean;
  onToggle: () => void;
  passage: Passage | null;
  onDropPassage: () => void;
  onPosted: () => void;
  canComment: boolean;
  commentBox: RefObject<HTMLTextAreaElement | null>;
}) {
  const { t } = useLocale();
  const context = useDossierLive();
  const state = useStore(live.threads.state);
  const threads = useMemo(() => state.threads.filter((thread) => thread.question === question), [state.threads, question]);
  const panelId = useId();
  const bodyId = useId();
  const hintId = useId();
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [posted, setPosted] = useState("");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!context || !body.trim()) return;
    setBusy(true);
    setError(null);
    setPosted("");
    try {
      const thread = await api.openThread(context.dossier.id, live.name, {
        question,
        body,
        ...(passage ? { anchor: passage.anchor, quote: passage.quote } : {}),
      });
      live.threads.upsert(thread);
      setBody("");
      setPosted(t("live.comments.posted"));
      onPosted();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="comments">
      <button type="button" className="comments__toggle" aria-expanded={open} aria-controls={panelId} onClick={onToggle}>
        <span className="disclosure__icon" aria-hidden="true">
          {open ? "▾" : "▸"}
        </span>
        {t("live.comments.toggle", { count: threads.length })}
      </button>
      <div id={panelId} className="comments__panel" hidden={!open}>
        {state.error && !state.loaded ? <ErrorAlert message={t("live.comments.loadError")} /> : null}
        {threads.length ? (
          <ol className="thread-list">
            {threads.map((thread) => (
              <ThreadItem key={thread.id} thread={thread} editor={editor} live={live} canComment={canComment} />
            ))}
          </ol>
        ) : state.loaded ? (
          <p className="empty">{t("live.comments.empty")}</p>
        ) : null}
        {canComment ? (
          <form className="comment-form" onSubmit={(event) => void submit(event)}>
            {passage ? (
              <div className="thread__passage">
                <p className="thread__passage-label">{t("live.comments.onPassage")}</p>
                <blockquote className="thread__quote">{t("live.comments.quote", { quote: passage.quote })}</blockquote>
                <button type="button" className="link-button" onClick={onDropPassage}>
                  {t("live.comments.dropPassage")}
                </button>
              </div>
            ) : null}
            <div className="field">
              <label htmlFor={bodyId}>{t("live.comments.newLabel")}</label>
              <p className="hint" id={hintId}>
                {t("live.comments.newHint")}
              </p>
              <textarea
                ref={commentBox}
                id={bodyId}
                rows={3}
                maxLength={5000}
                aria-describedby={hintId}
                value={body}
                onChange={(event) => setBody(event.target.value)}
              />
            </div>
            {error ? <ErrorAlert message={api.errorMessage(error)} /> : null}
            <div className="button-row">
              <button type="submit" className="button button--small" disabled={busy || !body.trim()}>
                {t("live.comments.submit")}
              </button>
              <p className="status-message status-message--small" role="status">
                {posted}
              </p>
            </div>
          </form>
        ) : null}
      </div>
    </div>
  );
}
