// @vitest-environment happy-dom
// (the API client loads the i18n module, which sets <html lang>)

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Thread } from "../api/types";
import { ThreadsStore } from "./threads";

function thread(id: number, createdAt: string, document = "action-1"): Thread {
  return {
    id,
    dossier_id: 1,
    document,
    question: "objectifs",
    anchor: null,
    quote: null,
    created_by: { id: 1, display_name: "Léa" } as Thread["created_by"],
    created_at: createdAt,
    resolved_at: null,
    resolved_by: null,
    comments: [],
  };
}

/** The comments route as the server answers it, for fetch (the only part of the server involved). */
let served: { status: number; body: unknown };
const requests: string[] = [];

beforeEach(() => {
  requests.length = 0;
  served = { status: 200, body: { threads: [] } };
  vi.stubGlobal("fetch", (path: string) => {
    requests.push(path);
    return Promise.resolve(new Response(JSON.stringify(served.body), { status: served.status }));
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const ids = (store: ThreadsStore) => store.state.get().threads.map((t) => t.id);

describe("ThreadsStore", () => {
  it("loads the document's threads in creation order, ties broken by id", async () => {
    served.body = {
      threads: [thread(3, "2026-03-02T10:00:00Z"), thread(2, "2026-03-01T10:00:00Z"), thread(1, "2026-03-02T10:00:00Z")],
    };
    const store = new ThreadsStore(1, "action-1");
    await store.load();
    expect(requests).toEqual(["/api/dossiers/1/documents/action-1/comments"]);
    expect(store.state.get().loaded).toBe(true);
    expect(ids(store)).toEqual([2, 1, 3]);
  });

  it("keeps events for its document in order, replaces a thread by id, and ignores other documents", async () => {
    const store = new ThreadsStore(1, "action-1");
    await store.load();
    store.upsert(thread(5, "2026-03-05T10:00:00Z"));
    store.upsert(thread(4, "2026-03-04T10:00:00Z"));
    store.upsert(thread(6, "2026-03-01T10:00:00Z", "storyboard"));
    const resolved = { ...thread(5, "2026-03-05T10:00:00Z"), resolved_at: "2026-03-06T10:00:00Z" };
    store.upsert(resolved);
    expect(ids(store)).toEqual([4, 5]);
    expect(store.state.get().threads[1]?.resolved_at).toBe("2026-03-06T10:00:00Z");
  });

  it("a reload (after a reconnection) replaces what it held, and concurrent loads share one request", async () => {
    const store = new ThreadsStore(1, "action-1");
    store.upsert(thread(9, "2026-03-09T10:00:00Z"));
    served.body = { threads: [thread(1, "2026-03-01T10:00:00Z")] };
    await Promise.all([store.load(), store.load()]);
    expect(requests).toHaveLength(1);
    expect(ids(store)).toEqual([1]);
  });

  it("a failed load is reported and keeps what it held", async () => {
    const store = new ThreadsStore(1, "action-1");
    store.upsert(thread(1, "2026-03-01T10:00:00Z"));
    served = { status: 500, body: { error: { code: "server_error", message: "boom" } } };
    await store.load();
    const state = store.state.get();
    expect(state.loaded).toBe(false);
    expect(state.error).toMatchObject({ code: "server_error" });
    expect(ids(store)).toEqual([1]);
  });
});
