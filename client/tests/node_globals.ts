// The few browser globals that modules imported by the live-document code touch when they
// load (the i18n setup sets the page's language): enough for Node, nothing more.
const globals = globalThis as Record<string, unknown>;
globals.document ??= { documentElement: {} };
globals.window ??= globalThis;
const storage = new Map<string, string>();
globals.localStorage ??= {
  getItem: (key: string) => storage.get(key) ?? null,
  setItem: (key: string, value: string) => void storage.set(key, value),
  removeItem: (key: string) => void storage.delete(key),
};
// Storage that never answers, like a blocked IndexedDB: the document joins after its local-load timeout.
globals.indexedDB ??= { open: () => ({}) };
