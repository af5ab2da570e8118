// What the live parts of the dossier page need to know about the dossier and the reader.

import { createContext, useContext } from "react";
import type { Dossier } from "../../../api/types";

export interface DossierLive {
  dossier: Dossier;
  userId: number;
}

export const DossierLiveContext = createContext<DossierLive | null>(null);

export function useDossierLive(): DossierLive | null {
  return useContext(DossierLiveContext);
}

/** The client's guess before the server's join acknowledgement (which decides). */
export function mayEdit(dossier: Dossier): boolean {
  if (dossier.state !== "brouillon") return false;
  if (dossier.my_role === "observer") return false;
  if (dossier.my_role === "beneficiary" && !dossier.beneficiaries_may_edit) return false;
  return true;
}

export function mayComment(dossier: Dossier): boolean {
  return dossier.state !== "depose" && dossier.my_capabilities.includes("comment");
}

/** The translation key of the plain sentence that says why answers are read-only. */
export function readOnlyReasonKey(dossier: Dossier): string {
  if (dossier.state === "fige") return "live.readOnly.fige";
  if (dossier.state === "depose") return "live.readOnly.depose";
  if (dossier.my_role === "observer") return "live.readOnly.observer";
  if (dossier.my_role === "beneficiary" && !dossier.beneficiaries_may_edit) return "live.readOnly.commentOnly";
  return "live.readOnly.other";
}
