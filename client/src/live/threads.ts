// The comment threads of one live document: loaded over HTTP, then kept up to
// date by the `comment` Socket.IO events (and by our own requests' replies).

import * as api from "../api/client";
import type { Thread } from "../api/types";
import { Store } from "./store";

export interface ThreadsState {
  loaded: boolean;
  error: unknown;
  threads: readonly Thread[];
}

function byCreation(a: Thread, b: Thread): number {
  return a.created_at === b.created_at ? a.id - b.id : a.created_at < b.created_at ? -1 : 1;
}

export class ThreadsStore {
  readonly state = new Store<ThreadsState>({ loaded: false, error: null, threads: [] });
  private readonly byId = new Map<number, Thread>();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly dossierId: number,
    private readonly document: string,
  ) {}

  /** (Re)load every thread: at first, and after a reconnection (events may have been missed). */
  load(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = api
      .listThreads(this.dossierId, this.document)
      .then((threads) => {
        this.byId.clear();
        threads.forEach((thread) => this.byId.set(thread.id, thread));
        this.publish({ loaded: true, error: null });
      })
      .catch((error: unknown) => {
        this.publish({ error });
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /** A thread from a `comment` event or a request's reply. */
  upsert(thread: Thread): void {
    if (thread.document !== this.document) return;
    this.byId.set(thread.id, thread);
    this.publish({});
  }

  private publish(change: Partial<ThreadsState>): void {
    this.state.set({ ...this.state.get(), ...change, threads: [...this.byId.values()].sort(byCreation) });
  }
}
