// The current user, loaded from GET /api/auth/session and updated by login,
// signup, invitation acceptance and logout.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import * as api from "../api/client";
import type { Session, User } from "../api/types";

interface SessionState {
  /** undefined while the first session request is in flight. */
  user: User | null | undefined;
  /** Error of the first session request (server down…). */
  loadError: unknown;
  /** Store a session returned by login, signup or accept. */
  setSession: (session: Session) => void;
  reload: () => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const session = await api.getSession();
      setUser(session.user);
      setLoadError(null);
    } catch (error) {
      setLoadError(error);
      setUser((previous) => (previous === undefined ? null : previous));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  // A 401 not_authenticated anywhere means the session is gone.
  useEffect(
    () =>
      api.onUnauthenticated(() => {
        setUser(null);
        api.setCsrfToken(null);
      }),
    [],
  );

  const setSession = useCallback((session: Session) => {
    api.setCsrfToken(session.csrf_token);
    setUser(session.user);
    setLoadError(null);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setUser(null);
      // A fresh anonymous session and CSRF token.
      await reload();
    }
  }, [reload]);

  const value = useMemo(
    () => ({ user, loadError, setSession, reload, logout }),
    [user, loadError, setSession, reload, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession must be used inside <SessionProvider>");
  return value;
}
