import { describe, expect, it } from "vitest";
import { Store } from "./store";

describe("Store", () => {
  it("notifies its subscribers of a new value, and only of a new one", () => {
    const store = new Store(1);
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.get()));
    store.set(1);
    store.set(2);
    store.set(2);
    store.set(Number.NaN);
    store.set(Number.NaN); // Object.is: NaN is the same value
    expect(seen).toEqual([2, Number.NaN]);
  });

  it("stops notifying after unsubscribe", () => {
    const store = new Store("a");
    let calls = 0;
    const unsubscribe = store.subscribe(() => (calls += 1));
    store.set("b");
    unsubscribe();
    store.set("c");
    expect(calls).toBe(1);
    expect(store.get()).toBe("c");
  });

  it("update merges a partial change into a new object, and keeps the same one when nothing changes", () => {
    const store = new Store({ pending: 0, saved: false, error: null as string | null });
    const first = store.get();
    let calls = 0;
    store.subscribe(() => (calls += 1));
    store.update({ pending: 0, saved: false });
    expect(store.get()).toBe(first);
    store.update({ pending: 2 });
    expect(store.get()).toEqual({ pending: 2, saved: false, error: null });
    expect(store.get()).not.toBe(first);
    expect(first.pending).toBe(0);
    expect(calls).toBe(1);
  });

  it("get and subscribe keep working when passed around unbound (useSyncExternalStore)", () => {
    const store = new Store(0);
    const { get, subscribe } = store;
    let calls = 0;
    subscribe(() => (calls += 1));
    store.set(5);
    expect(get()).toBe(5);
    expect(calls).toBe(1);
  });
});
