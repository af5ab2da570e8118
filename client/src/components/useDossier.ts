import { useCallback, useEffect, useState } from "react";
import * as api from "../api/client";
import type { Dossier } from "../api/types";

/** Loads GET /api/dossiers/{id}; `reload` refetches it. */
export function useDossier(id: number) {
  const [dossier, setDossier] = useState<Dossier | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const value = await api.getDossier(id);
      setDossier(value);
      setError(null);
    } catch (reason) {
      setError(reason);
    }
  }, [id]);

  useEffect(() => {
    setDossier(null);
    setError(null);
    if (!Number.isInteger(id) || id <= 0) {
      setError(new api.ApiError(404, "not_found", "Bad dossier id"));
      return;
    }
    void reload();
  }, [id, reload]);

  return { dossier, setDossier, error, reload };
}
