// The « Collèges » section of the members page: every member sees the
// collèges (name, weight, number of members); the lead creates, edits and
// deletes them. Members are placed in a collège from their member card.

import { useEffect, useRef, useState, type FormEvent } from "react";
import * as api from "../api/client";
import type { College, Member } from "../api/types";
import { ErrorAlert, StatusMessage, TextField } from "../components/forms";
import { ConfirmDialog } from "../components/Modal";
import { fieldErrorsFrom, useApiForm } from "../components/useApiForm";
import { useLocale } from "../i18n/format";

type CollegeField = "name" | "weight";

const NAME_MAX = 80;

/** Create form (no `college`) or edit form (with `college`) of a collège. */
function CollegeForm({
  dossierId,
  college,
  onSaved,
  onCancel,
}: {
  dossierId: number;
  college?: College;
  onSaved: (college: College) => void;
  onCancel?: () => void;
}) {
  const { t } = useLocale();
  const [name, setName] = useState(college?.name ?? "");
  const [weight, setWeight] = useState(String(college?.weight ?? 1));
  const { formRef, errors, formError, busy, submit } = useApiForm<CollegeField>();
  const prefix = college ? `college-${college.id}` : "college-new";
  const headingId = `${prefix}-heading`;

  const onSubmit = (event: FormEvent) =>
    submit(event, {
      validate: () => {
        const next: Partial<Record<CollegeField, string>> = {};
        if (!name.trim()) next.name = t("validation.required");
        const value = Number(weight);
        if (weight.trim() === "" || !Number.isInteger(value) || value < 1 || value > 1000) next.weight = t("validation.weight");
        return next;
      },
      send: async () => {
        const body = { name: name.trim(), weight: Number(weight) };
        const saved = college ? await api.updateCollege(dossierId, college.id, body) : await api.createCollege(dossierId, body);
        if (!college) {
          setName("");
          setWeight("1");
        }
        onSaved(saved);
      },
      onRefused: (error) =>
        api.isApiError(error, "college_exists")
          ? { name: t("errors.college_exists") }
          : {
              ...fieldErrorsFrom(error, ["name"], t("validation.serverRejected")),
              ...fieldErrorsFrom(error, ["weight"], t("validation.weight")),
            },
    });

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby={headingId} className="college-form">
      {college ? (
        <p id={headingId} className="college-form__title">
          <strong>{t("members.editCollegeLegend", { name: college.name })}</strong>
        </p>
      ) : (
        <h3 id={headingId}>{t("members.createCollegeHeading")}</h3>
      )}
      <ErrorAlert message={formError} />
      <div className="form-grid">
        <TextField
          id={`${prefix}-name`}
          label={t("members.collegeName")}
          value={name}
          onValueChange={setName}
          error={errors.name}
          maxLength={NAME_MAX}
          autoComplete="off"
          autoFocus={college !== undefined}
        />
        <TextField
          id={`${prefix}-weight`}
          label={t("members.collegeWeightLabel")}
          hint={t("members.collegeWeightHint")}
          type="number"
          inputMode="numeric"
          min={1}
          max={1000}
          step={1}
          value={weight}
          onValueChange={setWeight}
          error={errors.weight}
        />
      </div>
      <div className="button-row">
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {college ? t("common.save") : t("members.createCollege")}
          {college ? <span className="sr-only"> — {college.name}</span> : null}
        </button>
        {onCancel ? (
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function CollegeItem({
  dossierId,
  college,
  memberCount,
  canManage,
  onUpdated,
  onDelete,
}: {
  dossierId: number;
  college: College;
  memberCount: number;
  canManage: boolean;
  onUpdated: (college: College) => void;
  onDelete: (college: College) => void;
}) {
  const { t } = useLocale();
  const [editing, setEditing] = useState(false);
  const [refocus, setRefocus] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!refocus || editing) return;
    editButton.current?.focus();
    setRefocus(false);
  }, [refocus, editing]);

  const close = () => {
    setEditing(false);
    setRefocus(true);
  };

  return (
    <li className="card college-card">
      <p className="college-card__name">
        <strong>{college.name}</strong>
      </p>
      <ul className="facts">
        <li>{t("members.collegeWeight", { weight: college.weight })}</li>
        <li>{t("members.collegeMembers", { count: memberCount })}</li>
      </ul>
      {canManage && editing ? (
        <CollegeForm
          dossierId={dossierId}
          college={college}
          onSaved={(saved) => {
            onUpdated(saved);
            close();
          }}
          onCancel={close}
        />
      ) : null}
      {canManage && !editing ? (
        <div className="button-row">
          <button type="button" className="button button--small button--secondary" onClick={() => setEditing(true)} ref={editButton}>
            {t("members.editCollege")}
            <span className="sr-only"> — {college.name}</span>
          </button>
          <button type="button" className="button button--small button--danger-outline" onClick={() => onDelete(college)}>
            {t("members.deleteCollege")}
            <span className="sr-only"> — {college.name}</span>
          </button>
        </div>
      ) : null}
    </li>
  );
}

export function CollegesSection({
  dossierId,
  colleges,
  members,
  canManage,
  onCreated,
  onUpdated,
  onDeleted,
}: {
  dossierId: number;
  colleges: College[] | null;
  members: Member[] | null;
  canManage: boolean;
  onCreated: (college: College) => void;
  onUpdated: (college: College) => void;
  onDeleted: (college: College) => void;
}) {
  const { t } = useLocale();
  const [status, setStatus] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<College | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const memberCount = (college: College) =>
    members ? members.filter((m) => m.college_id === college.id).length : college.member_ids.length;

  const confirmDelete = async () => {
    if (!toDelete || deleting) return;
    setDeleting(true);
    setDeleteError(null);
    try {
      await api.deleteCollege(dossierId, toDelete.id);
      setStatus(t("members.collegeDeleted", { name: toDelete.name }));
      onDeleted(toDelete);
      setToDelete(null);
    } catch (reason) {
      setDeleteError(api.errorMessage(reason));
    } finally {
      setDeleting(false);
    }
  };

  return (
    <section aria-labelledby="colleges-heading" className="block">
      <h2 id="colleges-heading" ref={heading} tabIndex={-1}>
        {t("members.collegesHeading")}
      </h2>
      <p className="hint">{t("members.collegesIntro")}</p>
      <StatusMessage message={status} />
      {colleges === null ? (
        <p aria-busy="true">{t("app.loading")}</p>
      ) : colleges.length === 0 ? (
        <p className="empty">{t("members.noColleges")}</p>
      ) : (
        <ul className="college-list">
          {colleges.map((college) => (
            <CollegeItem
              key={college.id}
              dossierId={dossierId}
              college={college}
              memberCount={memberCount(college)}
              canManage={canManage}
              onUpdated={(saved) => {
                setStatus(t("members.collegeUpdated", { name: saved.name }));
                onUpdated(saved);
              }}
              onDelete={(c) => {
                setDeleteError(null);
                setToDelete(c);
              }}
            />
          ))}
        </ul>
      )}
      {canManage ? (
        <div className="card">
          <CollegeForm
            dossierId={dossierId}
            onSaved={(college) => {
              setStatus(t("members.collegeCreated", { name: college.name }));
              onCreated(college);
            }}
          />
        </div>
      ) : null}
      <ConfirmDialog
        open={toDelete !== null}
        title={toDelete ? t("members.confirmDeleteCollegeTitle", { name: toDelete.name }) : ""}
        text={t("members.confirmDeleteCollegeText")}
        confirmLabel={t("members.confirmDeleteCollege")}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setToDelete(null)}
        busy={deleting}
        error={deleteError}
        returnFocusTo={heading}
      />
    </section>
  );
}
