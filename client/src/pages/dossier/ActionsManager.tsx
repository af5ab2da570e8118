// The dossier's actions in order of importance; the lead can add, rename,
// move up/down and delete them.

import { useEffect, useRef, useState, type FormEvent, type RefObject } from "react";
import * as api from "../../api/client";
import type { Action, Dossier } from "../../api/types";
import { ConfirmDialog } from "../../components/Modal";
import { ErrorAlert, StatusMessage, TextField } from "../../components/forms";
import { useLocale } from "../../i18n/format";

interface Props {
  dossier: Dossier;
  canManage: boolean;
  onActionsChange: (actions: Action[]) => void;
  reload: () => Promise<void>;
  headingRef: RefObject<HTMLHeadingElement | null>;
}

function sorted(actions: Action[]): Action[] {
  return [...actions].sort((a, b) => a.position - b.position);
}

function RenameForm({ action, dossierId, onDone, onCancel }: { action: Action; dossierId: number; onDone: (a: Action) => void; onCancel: () => void }) {
  const { t } = useLocale();
  const [title, setTitle] = useState(action.title);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const fieldId = `rename-${action.id}`;

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!title.trim()) {
      setError(t("validation.required"));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      onDone(await api.renameAction(dossierId, action.id, title.trim()));
    } catch (reason) {
      setError(api.errorMessage(reason));
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <form className="rename-form" onSubmit={submit} noValidate>
      <TextField
        id={fieldId}
        label={t("dossier.renameLabel")}
        value={title}
        onValueChange={setTitle}
        error={error}
        announceError
        inputRef={inputRef}
        aria-required="true"
        maxLength={200}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            onCancel();
          }
        }}
      />
      <div className="button-row">
        <button type="submit" className="button button--small" aria-disabled={busy || undefined}>
          {t("common.save")}
        </button>
        <button type="button" className="button button--small button--secondary" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

export function ActionsManager({ dossier, canManage, onActionsChange, reload, headingRef }: Props) {
  const { t } = useLocale();
  const actions = sorted(dossier.actions);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<number | null>(null);
  const [toDelete, setToDelete] = useState<Action | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [newTitle, setNewTitle] = useState("");
  const [newError, setNewError] = useState<string | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const pendingFocus = useRef<string | null>(null);
  const newInput = useRef<HTMLInputElement>(null);

  // Restore focus after re-rendering (move, rename) to the control the user was on.
  useEffect(() => {
    if (!pendingFocus.current) return;
    const target = buttons.current.get(pendingFocus.current);
    pendingFocus.current = null;
    target?.focus();
  });

  const buttonRef = (key: string) => (element: HTMLButtonElement | null) => {
    if (element) buttons.current.set(key, element);
    else buttons.current.delete(key);
  };

  const move = async (action: Action, delta: -1 | 1) => {
    if (busy) return;
    const index = actions.findIndex((a) => a.id === action.id);
    const target = index + delta;
    if (index < 0 || target < 0 || target >= actions.length) return;
    const order = actions.map((a) => a.id);
    [order[index], order[target]] = [order[target]!, order[index]!];
    setBusy(true);
    setError(null);
    try {
      const updated = sorted(await api.reorderActions(dossier.id, order));
      onActionsChange(updated);
      const newIndex = updated.findIndex((a) => a.id === action.id);
      const direction = delta < 0 ? (newIndex === 0 ? "down" : "up") : newIndex === updated.length - 1 ? "up" : "down";
      pendingFocus.current = `${action.id}-${direction}`;
      setStatus(t("dossier.moved", { title: action.title, position: newIndex + 1 }));
    } catch (reason) {
      setError(api.errorMessage(reason));
      if (api.isApiError(reason, "dossier_not_draft")) void reload();
    } finally {
      setBusy(false);
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!newTitle.trim()) {
      setNewError(t("validation.required"));
      newInput.current?.focus();
      return;
    }
    setBusy(true);
    setNewError(null);
    setError(null);
    try {
      const created = await api.addAction(dossier.id, newTitle.trim());
      onActionsChange(sorted([...dossier.actions.filter((a) => a.id !== created.id), created]));
      setStatus(t("dossier.added", { title: created.title }));
      setNewTitle("");
      newInput.current?.focus();
    } catch (reason) {
      setNewError(api.errorMessage(reason));
      newInput.current?.focus();
      if (api.isApiError(reason, "dossier_not_draft")) void reload();
    } finally {
      setBusy(false);
    }
  };

  const confirmDelete = async () => {
    if (!toDelete || busy) return;
    setBusy(true);
    setDeleteError(null);
    try {
      await api.deleteAction(dossier.id, toDelete.id);
      const title = toDelete.title;
      setToDelete(null);
      setStatus(t("dossier.deleted", { title }));
      await reload();
    } catch (reason) {
      setDeleteError(api.errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p className="hint">{t("dossier.actionsIntro")}</p>
      {dossier.my_capabilities.includes("manage_actions") && dossier.state !== "brouillon" ? (
        <p className="notice">{t("dossier.notDraft", { state: t(`states.${dossier.state}`) })}</p>
      ) : null}
      <ErrorAlert message={error} />
      <StatusMessage message={status} />
      {actions.length === 0 ? (
        <p className="empty">{canManage ? t("dossier.noActionsLead") : t("dossier.noActions")}</p>
      ) : (
        <ol className="action-list">
          {actions.map((action, index) => (
            <li key={action.id} className="action-item">
              {renaming === action.id ? (
                <RenameForm
                  action={action}
                  dossierId={dossier.id}
                  onCancel={() => {
                    setRenaming(null);
                    pendingFocus.current = `${action.id}-rename`;
                  }}
                  onDone={(updated) => {
                    onActionsChange(sorted(dossier.actions.map((a) => (a.id === updated.id ? { ...a, title: updated.title } : a))));
                    setRenaming(null);
                    setStatus(t("dossier.renamed"));
                    pendingFocus.current = `${action.id}-rename`;
                  }}
                />
              ) : (
                <>
                  <span className="action-item__title">
                    <span className="action-item__position">{index + 1}.</span> {action.title}
                  </span>
                  {canManage ? (
                    <span className="action-item__tools">
                      <button type="button" className="button button--small button--secondary" ref={buttonRef(`${action.id}-rename`)} onClick={() => setRenaming(action.id)}>
                        {t("dossier.rename")}
                        <span className="sr-only"> « {action.title} »</span>
                      </button>
                      <button
                        type="button"
                        className="button button--small button--secondary"
                        ref={buttonRef(`${action.id}-up`)}
                        onClick={() => void move(action, -1)}
                        disabled={index === 0}
                      >
                        <span aria-hidden="true">↑ </span>
                        {t("dossier.moveUp")}
                        <span className="sr-only"> « {action.title} »</span>
                      </button>
                      <button
                        type="button"
                        className="button button--small button--secondary"
                        ref={buttonRef(`${action.id}-down`)}
                        onClick={() => void move(action, 1)}
                        disabled={index === actions.length - 1}
                      >
                        <span aria-hidden="true">↓ </span>
                        {t("dossier.moveDown")}
                        <span className="sr-only"> « {action.title} »</span>
                      </button>
                      <button
                        type="button"
                        className="button button--small button--danger-outline"
                        onClick={() => {
                          setDeleteError(null);
                          setToDelete(action);
                        }}
                      >
                        {t("dossier.delete")}
                        <span className="sr-only"> « {action.title} »</span>
                      </button>
                    </span>
                  ) : null}
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      {canManage ? (
        <form className="add-action" onSubmit={add} noValidate aria-label={t("dossier.addHeading")}>
          <TextField
            id="new-action-title"
            label={t("dossier.addLabel")}
            value={newTitle}
            onValueChange={setNewTitle}
            error={newError}
            announceError
            inputRef={newInput}
            aria-required="true"
            maxLength={200}
          />
          <button type="submit" className="button" aria-disabled={busy || undefined}>
            {t("dossier.add")}
          </button>
        </form>
      ) : null}
      <ConfirmDialog
        open={toDelete !== null}
        title={toDelete ? t("dossier.confirmDeleteTitle", { title: toDelete.title }) : ""}
        text={t("dossier.confirmDeleteText")}
        confirmLabel={t("dossier.confirmDelete")}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setToDelete(null)}
        busy={busy}
        error={deleteError}
        returnFocusTo={headingRef}
      />
    </>
  );
}
