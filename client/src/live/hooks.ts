// React bindings of the live layer.

import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { Role, User } from "../api/types";
import { colorFor } from "./colors";
import { LiveConnection } from "./LiveConnection";
import type { LiveDocument } from "./LiveDocument";
import type { Store } from "./store";

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

/** One primitive part of a store: the component re-renders only when it changes. */
export function useStoreValue<T, S extends string | number | boolean | null>(store: Store<T>, select: (value: T) => S): S {
  const read = () => select(store.get());
  return useSyncExternalStore(store.subscribe, read, read);
}

/** One connection for the dossier page, closed when the page goes away. */
export function useLiveConnection(
  dossierId: number,
  user: User | null | undefined,
  role: Role | null,
  readOnlyGuess: boolean,
): LiveConnection | null {
  const [connection, setConnection] = useState<LiveConnection | null>(null);
  const guess = useRef(readOnlyGuess);
  guess.current = readOnlyGuess;
  const userId = user?.id;
  const name = user?.display_name;
  useEffect(() => {
    if (userId === undefined || name === undefined || role === null) return;
    const created = new LiveConnection(dossierId, { id: userId, name, color: colorFor(userId), role });
    created.readOnlyGuess = guess.current;
    setConnection(created);
    return () => {
      created.destroy();
      setConnection(null);
    };
  }, [dossierId, userId, name, role]);
  return connection;
}

export const LiveContext = createContext<LiveConnection | null>(null);

export function useLive(): LiveConnection | null {
  return useContext(LiveContext);
}

/** A live document of the page's connection, open while the component is mounted. */
export function useLiveDocument(name: string): LiveDocument | null {
  const connection = useLive();
  const [document, setDocument] = useState<LiveDocument | null>(null);
  useEffect(() => {
    if (!connection) return;
    setDocument(connection.acquire(name));
    return () => {
      connection.release(name);
      setDocument(null);
    };
  }, [connection, name]);
  return document;
}
