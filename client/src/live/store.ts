// A tiny observable value for useSyncExternalStore.

export class Store<T> {
  private value: T;
  private readonly listeners = new Set<() => void>();

  constructor(initial: T) {
    this.value = initial;
  }

  get = (): T => this.value;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(next: T): void {
    if (Object.is(next, this.value)) return;
    this.value = next;
    this.listeners.forEach((listener) => listener());
  }

  update(change: Partial<T>): void {
    const current = this.value;
    let changed = false;
    for (const key of Object.keys(change) as (keyof T)[]) {
      if (!Object.is(current[key], change[key])) changed = true;
    }
    if (changed) this.set({ ...current, ...change });
  }
}
