// /dossiers/:id/members — the members of a dossier; for the lead: roles,
// removal, re-entry links, and invitations (create, copy, QR code, revoke).

import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import * as api from "../api/client";
import { INVITABLE_ROLES, ROLES, type College, type Dossier, type Invitation, type InvitableRole, type Member, type Role } from "../api/types";
import { copyText } from "../components/copy";
import { ErrorAlert, EMAIL_PATTERN, SelectField, StatusMessage, TextField } from "../components/forms";
import { Loading } from "../components/Layout";
import { ConfirmDialog } from "../components/Modal";
import { QrDialog } from "../components/QrDialog";
import { fieldErrorsFrom, useApiForm } from "../components/useApiForm";
import { useDocumentTitle } from "../components/useDocumentTitle";
import { useDossier } from "../components/useDossier";
import { useLocale } from "../i18n/format";
import { CollegesSection } from "./CollegesSection";
import { DossierNotFound } from "./dossier/DossierNotFound";

interface QrTarget {
  url: string;
  context: string;
}

/** Link, copy button with "Lien copié" feedback, QR code button. */
function LinkTools({
  invitation,
  context,
  onShowQr,
  copyRef,
}: {
  invitation: Invitation;
  context: string;
  onShowQr: (qr: QrTarget) => void;
  copyRef?: (element: HTMLButtonElement | null) => void;
}) {
  const { t } = useLocale();
  const [feedback, setFeedback] = useState<string | null>(null);
  const url = api.absoluteUrl(invitation.url);
  const copy = async () => {
    setFeedback(null);
    const ok = await copyText(url);
    setFeedback(ok ? t("members.copied") : t("members.copyFailed"));
  };
  return (
    <div className="link-tools">
      <p className="link-tools__url">
        <span className="link-tools__label">{t("members.linkLabel")} </span>
        <code>{url}</code>
      </p>
      <div className="button-row">
        <button type="button" className="button button--small" onClick={() => void copy()} ref={copyRef}>
          {t("members.copyLink")}
          <span className="sr-only"> — {context}</span>
        </button>
        <button type="button" className="button button--small button--secondary" onClick={() => onShowQr({ url, context })}>
          {t("members.showQr")}
          <span className="sr-only"> — {context}</span>
        </button>
        <StatusMessage message={feedback} />
      </div>
    </div>
  );
}

function MemberItem({
  member,
  dossier,
  colleges,
  canManage,
  onChanged,
  onRemove,
  onReentry,
  onShowQr,
}: {
  member: Member;
  dossier: Dossier;
  colleges: College[] | null;
  canManage: boolean;
  onChanged: (member: Member) => void;
  onRemove: (member: Member) => void;
  onReentry: (invitation: Invitation) => void;
  onShowQr: (qr: QrTarget) => void;
}) {
  const { t, date } = useLocale();
  // The role picked in the select; null until the lead picks one.
  const [picked, setPicked] = useState<Role | null>(null);
  const role = picked ?? member.role;
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reentry, setReentry] = useState<Invitation | null>(null);
  const [collegeError, setCollegeError] = useState<string | null>(null);
  const [collegeStatus, setCollegeStatus] = useState<string | null>(null);
  const [collegeBusy, setCollegeBusy] = useState(false);
  // The collège picked in the select while it is being saved.
  const [pickedCollege, setPickedCollege] = useState<string | null>(null);
  const name = member.display_name;
  const votes = member.role !== "observer";
  const collegeName = (collegeId: number | null) =>
    colleges?.find((c) => c.id === collegeId)?.name ?? t("members.noCollege");

  const changeCollege = async (value: string) => {
    if (collegeBusy) return;
    const collegeId = value === "" ? null : Number(value);
    setCollegeBusy(true);
    setPickedCollege(value);
    setCollegeError(null);
    setCollegeStatus(t("members.collegeSaving"));
    try {
      const updated = await api.assignCollege(dossier.id, member.id, collegeId);
      setCollegeStatus(t("members.collegeAssigned", { name, college: collegeName(updated.college_id) }));
      onChanged(updated);
    } catch (reason) {
      setCollegeStatus(null);
      setCollegeError(api.errorMessage(reason));
    } finally {
      setCollegeBusy(false);
      setPickedCollege(null);
    }
  };

  const changeRole = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      const updated = await api.changeMemberRole(dossier.id, member.id, role);
      setStatus(t("members.roleChanged", { name, role: t(`roles.${updated.role}`) }));
      setPicked(null);
      onChanged(updated);
    } catch (reason) {
      setError(api.isApiError(reason, "account_required") ? t("members.accountRequired", { name }) : api.errorMessage(reason));
      setPicked(null);
    } finally {
      setBusy(false);
    }
  };

  const createReentry = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setStatus(null);
    try {
      const invitation = await api.createReentryLink(dossier.id, member.id);
      setReentry(invitation);
      setStatus(t("members.reentryCreated", { name }));
      onReentry(invitation);
    } catch (reason) {
      setError(api.errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  const selectId = `member-role-${member.id}`;
  return (
    <li className="card member-card">
      <p className="member-card__name">
        <strong>{name}</strong>
        {member.is_me ? <span className="tag"> ({t("common.you")})</span> : null}
      </p>
      <ul className="facts">
        <li>{t("members.role", { role: t(`roles.${member.role}`) })}</li>
        {votes && !canManage && colleges !== null ? <li>{t("members.memberCollege", { college: collegeName(member.college_id) })}</li> : null}
        <li>{member.has_account ? t("members.hasAccount") : t("members.noAccount")}</li>
        {member.email ? <li>{t("members.email", { email: member.email })}</li> : null}
        <li>{t("members.joined", { date: date(member.joined_at) })}</li>
      </ul>
      {canManage ? (
        <div className="member-card__tools">
          <form className="inline-form" onSubmit={changeRole} noValidate>
            <SelectField
              id={selectId}
              label={t("members.roleSelect", { name })}
              value={role}
              onValueChange={(value) => setPicked(value as Role)}
              options={ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
              error={error}
              announceError
            />
            <button type="submit" className="button button--small button--secondary" aria-disabled={busy || undefined}>
              {t("members.changeRole")}
              <span className="sr-only"> — {name}</span>
            </button>
          </form>
          {votes && colleges !== null ? (
            <div className="member-card__college">
              <SelectField
                id={`member-college-${member.id}`}
                label={t("members.collegeSelect", { name })}
                value={pickedCollege ?? (member.college_id === null ? "" : String(member.college_id))}
                onValueChange={(value) => void changeCollege(value)}
                options={[
                  { value: "", label: t("members.noCollege") },
                  ...colleges.map((c) => ({ value: String(c.id), label: c.name })),
                ]}
                error={collegeError}
                announceError
                aria-busy={collegeBusy || undefined}
              />
              <StatusMessage message={collegeStatus} />
            </div>
          ) : null}
          <div className="button-row">
            {!member.has_account ? (
              <button type="button" className="button button--small button--secondary" onClick={() => void createReentry()} aria-describedby={`reentry-help-${member.id}`}>
                {t("members.reentry")}
                <span className="sr-only"> — {name}</span>
              </button>
            ) : null}
            <button type="button" className="button button--small button--danger-outline" onClick={() => onRemove(member)}>
              {t("members.remove")}
              <span className="sr-only"> — {name}</span>
            </button>
          </div>
          {!member.has_account ? (
            <p className="hint" id={`reentry-help-${member.id}`}>
              {t("members.reentryHelp")}
            </p>
          ) : null}
          <StatusMessage message={status} />
          {reentry ? <LinkTools invitation={reentry} context={t("members.reentryFor", { name })} onShowQr={onShowQr} /> : null}
        </div>
      ) : null}
    </li>
  );
}

function InvitationForm({ dossierId, onCreated }: { dossierId: number; onCreated: (invitation: Invitation) => void }) {
  const { t } = useLocale();
  const [role, setRole] = useState<InvitableRole>("beneficiary");
  const [days, setDays] = useState("14");
  const [label, setLabel] = useState("");
  const [email, setEmail] = useState("");
  const { formRef, errors, formError, busy, submit } = useApiForm<"role" | "expires_in_days" | "label" | "email">();

  const onSubmit = (event: FormEvent) =>
    submit(event, {
      validate: () => {
        const next: typeof errors = {};
        const dayCount = Number(days);
        if (!Number.isInteger(dayCount) || dayCount < 1 || dayCount > 90) next.expires_in_days = t("validation.days");
        if (email.trim() && !EMAIL_PATTERN.test(email.trim())) next.email = t("validation.email");
        return next;
      },
      send: async () => {
        const invitation = await api.createInvitation(dossierId, {
          role,
          expires_in_days: Number(days),
          ...(label.trim() ? { label: label.trim() } : {}),
          ...(email.trim() ? { email: email.trim() } : {}),
        });
        setLabel("");
        setEmail("");
        onCreated(invitation);
      },
      onRefused: (error) => ({
        ...fieldErrorsFrom(error, ["role", "label", "email"], t("validation.serverRejected")),
        ...fieldErrorsFrom(error, ["expires_in_days"], t("validation.days")),
      }),
    });

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-labelledby="invite-heading" className="invite-form">
      <ErrorAlert message={formError} />
      <div className="form-grid">
        <SelectField
          id="invite-role"
          label={t("members.inviteRole")}
          value={role}
          onValueChange={(value) => setRole(value as InvitableRole)}
          options={INVITABLE_ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
          error={errors.role}
        />
        <TextField
          id="invite-days"
          label={t("members.inviteDays")}
          hint={t("members.inviteDaysHint")}
          type="number"
          inputMode="numeric"
          min={1}
          max={90}
          step={1}
          value={days}
          onValueChange={setDays}
          error={errors.expires_in_days}
        />
        <TextField
          id="invite-label"
          label={t("members.inviteLabel")}
          hint={t("members.inviteLabelHint")}
          value={label}
          onValueChange={setLabel}
          error={errors.label}
          maxLength={120}
        />
        <TextField
          id="invite-email"
          label={t("members.inviteEmail")}
          hint={t("members.inviteEmailHint")}
          type="email"
          inputMode="email"
          autoComplete="off"
          value={email}
          onValueChange={setEmail}
          error={errors.email}
        />
      </div>
      <button type="submit" className="button" aria-disabled={busy || undefined}>
        {t("members.createInvitation")}
      </button>
    </form>
  );
}

export function MembersPage() {
  const { id } = useParams();
  const dossierId = Number(id);
  const { t, date } = useLocale();
  const { dossier, error: dossierError, reload: reloadDossier } = useDossier(dossierId);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [invitations, setInvitations] = useState<Invitation[] | null>(null);
  const [colleges, setColleges] = useState<College[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [inviteStatus, setInviteStatus] = useState<string | null>(null);
  const [toRemove, setToRemove] = useState<Member | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const [qr, setQr] = useState<QrTarget | null>(null);
  const [focusInvitation, setFocusInvitation] = useState<number | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const pendingHeading = useRef<HTMLHeadingElement>(null);
  const copyButtons = useRef(new Map<number, HTMLButtonElement>());

  useDocumentTitle(dossier ? `${t("members.title")} — ${dossier.title}` : t("members.title"));

  const canManage = dossier?.my_capabilities.includes("manage_members") ?? false;

  const loadMembers = useCallback(async () => {
    try {
      setMembers(await api.listMembers(dossierId));
    } catch (reason) {
      setError(reason);
    }
  }, [dossierId]);

  const loadColleges = useCallback(async () => {
    try {
      setColleges(await api.listColleges(dossierId));
    } catch (reason) {
      setError(reason);
    }
  }, [dossierId]);

  const loadInvitations = useCallback(async () => {
    try {
      setInvitations(await api.listInvitations(dossierId));
    } catch (reason) {
      setError(reason);
    }
  }, [dossierId]);

  const loadedId = dossier?.id;
  useEffect(() => {
    if (loadedId === undefined) return;
    void loadMembers();
    void loadColleges();
  }, [loadedId, loadMembers, loadColleges]);

  useEffect(() => {
    if (canManage) void loadInvitations();
    else setInvitations(null);
  }, [canManage, loadInvitations]);

  useEffect(() => {
    if (focusInvitation === null) return;
    copyButtons.current.get(focusInvitation)?.focus();
    setFocusInvitation(null);
  }, [focusInvitation, invitations]);

  if (dossierError && !dossier) return <DossierNotFound error={dossierError} />;
  if (!dossier) return <Loading />;

  const onMemberChanged = (updated: Member) => {
    setMembers((list) => list?.map((m) => (m.id === updated.id ? { ...m, ...updated } : m)) ?? null);
    if (updated.is_me) {
      // My own role changed: my capabilities did too.
      void reloadDossier();
      void loadMembers();
    }
  };

  const confirmRemove = async () => {
    if (!toRemove || removing) return;
    setRemoving(true);
    setRemoveError(null);
    try {
      await api.removeMember(dossier.id, toRemove.id);
      const name = toRemove.display_name;
      const wasMe = toRemove.is_me;
      setToRemove(null);
      setStatus(t("members.removed", { name }));
      setMembers((list) => list?.filter((m) => m.id !== toRemove.id) ?? null);
      if (wasMe) void reloadDossier();
    } catch (reason) {
      setRemoveError(api.errorMessage(reason));
    } finally {
      setRemoving(false);
    }
  };

  const revoke = async (invitation: Invitation) => {
    try {
      await api.revokeInvitation(dossier.id, invitation.id);
      setInvitations((list) => list?.filter((i) => i.id !== invitation.id) ?? null);
      setInviteStatus(t("members.revoked"));
      pendingHeading.current?.focus();
    } catch (reason) {
      setInviteStatus(null);
      setError(reason);
    }
  };

  const memberName = (memberId: number | null) => members?.find((m) => m.id === memberId)?.display_name ?? "";
  const invitationContext = (invitation: Invitation) =>
    invitation.kind === "reentry"
      ? t("members.reentryFor", { name: memberName(invitation.member_id) || invitation.label || "" })
      : invitation.label || t("members.invitationFor", { role: t(`roles.${invitation.role}`) });

  return (
    <div className="page">
      <div className="page-header">
        <h1>{t("members.heading")}</h1>
        <p className="lead">{t("members.dossierLine", { title: dossier.title })}</p>
        <p>
          <Link to={`/dossiers/${dossier.id}`}>{t("members.backToDossier")}</Link>
        </p>
      </div>

      {error ? (
        <ErrorAlert message={api.errorMessage(error)}>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setError(null);
              void loadMembers();
              void loadColleges();
              if (canManage) void loadInvitations();
            }}
          >
            {t("common.retry")}
          </button>
        </ErrorAlert>
      ) : null}

      <section aria-labelledby="members-heading" className="block">
        <h2 id="members-heading" ref={listHeading} tabIndex={-1}>
          {t("members.listHeading")}
        </h2>
        {!canManage ? <p className="hint">{t("members.readOnlyNote")}</p> : null}
        <StatusMessage message={status} />
        {members === null ? (
          <p aria-busy="true">{t("app.loading")}</p>
        ) : (
          <ul className="member-list">
            {members.map((member) => (
              <MemberItem
                key={member.id}
                member={member}
                dossier={dossier}
                colleges={colleges}
                canManage={canManage}
                onChanged={onMemberChanged}
                onRemove={(m) => {
                  setRemoveError(null);
                  setToRemove(m);
                }}
                onReentry={() => void loadInvitations()}
                onShowQr={setQr}
              />
            ))}
          </ul>
        )}
      </section>

      <CollegesSection
        dossierId={dossier.id}
        colleges={colleges}
        members={members}
        canManage={canManage}
        onCreated={(college) => setColleges((list) => [...(list ?? []), college])}
        onUpdated={(college) => setColleges((list) => list?.map((c) => (c.id === college.id ? college : c)) ?? null)}
        onDeleted={(college) => {
          setColleges((list) => list?.filter((c) => c.id !== college.id) ?? null);
          setMembers((list) => list?.map((m) => (m.college_id === college.id ? { ...m, college_id: null } : m)) ?? null);
        }}
      />

      {canManage ? (
        <>
          <section aria-labelledby="invite-heading" className="block card">
            <h2 id="invite-heading">{t("members.invitationsHeading")}</h2>
            <p className="hint">{t("members.invitationsIntro")}</p>
            <InvitationForm
              dossierId={dossier.id}
              onCreated={(invitation) => {
                setInvitations((list) => [invitation, ...(list ?? []).filter((i) => i.id !== invitation.id)]);
                setInviteStatus(t("members.invitationCreated"));
                setFocusInvitation(invitation.id);
              }}
            />
          </section>

          <section aria-labelledby="pending-heading" className="block">
            <h2 id="pending-heading" ref={pendingHeading} tabIndex={-1}>
              {t("members.pendingHeading")}
            </h2>
            <StatusMessage message={inviteStatus} />
            {invitations === null ? (
              <p aria-busy="true">{t("app.loading")}</p>
            ) : invitations.length === 0 ? (
              <p className="empty">{t("members.noPending")}</p>
            ) : (
              <ul className="invitation-list">
                {invitations.map((invitation) => {
                  const context = invitationContext(invitation);
                  return (
                    <li key={invitation.id} className="card invitation-card">
                      <p className="invitation-card__title">
                        <strong>
                          {invitation.kind === "reentry"
                            ? t("members.reentryFor", { name: memberName(invitation.member_id) || invitation.label || "" })
                            : t("members.invitationFor", { role: t(`roles.${invitation.role}`) })}
                        </strong>
                      </p>
                      <ul className="facts">
                        {invitation.label ? <li>{t("members.forWhom", { label: invitation.label })}</li> : null}
                        {invitation.email ? <li>{t("members.email", { email: invitation.email })}</li> : null}
                        <li>{t("common.expiresOn", { date: date(invitation.expires_at) })}</li>
                      </ul>
                      <LinkTools
                        invitation={invitation}
                        context={context}
                        onShowQr={setQr}
                        copyRef={(element) => {
                          if (element) copyButtons.current.set(invitation.id, element);
                          else copyButtons.current.delete(invitation.id);
                        }}
                      />
                      <div className="button-row">
                        <button type="button" className="button button--small button--danger-outline" onClick={() => void revoke(invitation)}>
                          {t("members.revoke")}
                          <span className="sr-only"> — {context}</span>
                        </button>
                      </div>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </>
      ) : null}

      <ConfirmDialog
        open={toRemove !== null}
        title={toRemove ? t("members.confirmRemoveTitle", { name: toRemove.display_name }) : ""}
        text={toRemove ? t("members.confirmRemoveText", { name: toRemove.display_name }) : ""}
        confirmLabel={t("members.confirmRemove")}
        onConfirm={() => void confirmRemove()}
        onCancel={() => setToRemove(null)}
        busy={removing}
        error={removeError}
        returnFocusTo={listHeading}
      />
      <QrDialog url={qr?.url ?? null} title={qr ? `${t("members.qrTitle")} — ${qr.context}` : undefined} onClose={() => setQr(null)} />
    </div>
  );
}
