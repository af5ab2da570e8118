// Lead only: may beneficiaries write the answers, or only comment?
// (PATCH /api/dossiers/{id} with beneficiaries_may_edit.)

import { useState } from "react";
import * as api from "../../../api/client";
import type { Dossier } from "../../../api/types";
import { ErrorAlert, StatusMessage } from "../../../components/forms";
import { useLocale } from "../../../i18n/format";

export function BeneficiariesSetting({ dossier, onChange }: { dossier: Dossier; onChange: (next: Dossier) => void }) {
  const { t } = useLocale();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  /** The choice being saved, shown at once (and undone if the server refuses it). */
  const [choice, setChoice] = useState<boolean | null>(null);
  const name = `beneficiaries-${dossier.id}`;
  const mayEdit = choice ?? dossier.beneficiaries_may_edit;

  const choose = async (next: boolean) => {
    if (next === mayEdit || busy) return;
    setChoice(next);
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const updated = await api.updateDossier(dossier.id, { beneficiaries_may_edit: next });
      onChange(updated);
      setMessage(updated.beneficiaries_may_edit ? t("live.beneficiaries.nowWrite") : t("live.beneficiaries.nowComment"));
    } catch (reason) {
      setError(reason);
    } finally {
      setChoice(null);
      setBusy(false);
    }
  };

  return (
    <fieldset className="setting" aria-busy={busy || undefined}>
      <legend className="setting__legend">{t("live.beneficiaries.legend")}</legend>
      <div className="segmented">
        <label className="segmented__option">
          <input type="radio" name={name} checked={mayEdit} onChange={() => void choose(true)} />
          <span>{t("live.beneficiaries.write")}</span>
        </label>
        <label className="segmented__option">
          <input type="radio" name={name} checked={!mayEdit} onChange={() => void choose(false)} />
          <span>{t("live.beneficiaries.comment")}</span>
        </label>
      </div>
      <p className="hint">{t("live.beneficiaries.hint")}</p>
      {error ? <ErrorAlert message={api.errorMessage(error)} /> : null}
      <StatusMessage message={message} />
    </fieldset>
  );
}
