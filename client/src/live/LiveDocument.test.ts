// @vitest-environment happy-dom
// (LiveDocument's threads load through the API client, which loads the i18n module)

import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { LiveDocument, type PresenceUser, type Transport } from "./LiveDocument";
import * as protocol from "./protocol";

// A stand-in for the server's side of docs/protocol.md, holding the stored state in a
// real Y.Doc and speaking to the clients only through the encoded y-protocols messages.

type Ack = { timeout: number; callback: (error: Error | null, reply: unknown) => void };

const NAME = "action-1";
let dossiers = 0;

class Server {
  readonly doc = new Y.Doc();
  readonly clients = new Set<Client>();
  readOnly = false;
  maxUpdateBytes = 1024 * 1024;
  /** Updates that changed the stored state (what the update log would hold). */
  readonly stored: Uint8Array[] = [];
  /** While set, acknowledgements of updates wait here. */
  holdAcks = false;
  readonly held: (() => void)[] = [];
  readonly dossierId = ++dossiers;

  constructor() {
    this.doc.on("update", (update: Uint8Array) => this.stored.push(update));
  }

  client(user: PresenceUser): Client {
    const client = new Client(this, user);
    this.clients.add(client);
    return client;
  }

  releaseAcks(): void {
    this.held.splice(0).forEach((release) => release());
  }

  text(): string {
    return this.doc.getText("t").toJSON();
  }

  handle(from: Client, event: string, args: unknown[], ack?: Ack): void {
    const reply = (value: unknown) => ack?.callback(null, value);
    if (event === "join") {
      from.joined = true;
      from.deliver(protocol.syncStep1(this.doc));
      reply({ ok: true, read_only: this.readOnly, max_update_bytes: this.maxUpdateBytes });
      return;
    }
    if (event === "leave") {
      from.joined = false;
      reply({ ok: true });
      return;
    }
    const bytes = args[2] as Uint8Array;
    if (!from.joined) return reply({ saved: false, error: { code: "not_joined", message: "" } });
    const message = protocol.parse(bytes);
    if (message.kind === "step1") {
      from.deliver(protocol.syncStep2Message(Y.encodeStateAsUpdate(this.doc, message.stateVector)));
      reply({ ok: true });
    } else if (message.kind === "awareness") {
      for (const other of this.clients) if (other !== from && other.joined) other.deliver(bytes);
      reply({ ok: true });
    } else if (message.kind === "step2" || message.kind === "update") {
      const answer = this.store(message.update, bytes.byteLength);
      if (this.holdAcks) this.held.push(() => reply(answer));
      else reply(answer);
    }
  }

  private store(update: Uint8Array, size: number): unknown {
    if (size > this.maxUpdateBytes) return { saved: false, error: { code: "too_large", message: "" } };
    const probe = new Y.Doc();
    Y.applyUpdate(probe, Y.encodeStateAsUpdate(this.doc));
    let adds = false;
    probe.on("update", () => (adds = true));
    Y.applyUpdate(probe, update);
    if (!adds) return { saved: true };
    if (this.readOnly) return { saved: false, error: { code: "read_only", message: "" } };
    Y.applyUpdate(this.doc, update);
    for (const client of this.clients) if (client.joined) client.deliver(protocol.updateMessage(update));
    return { saved: true };
  }
}

class Client implements Transport {
  connected = true;
  joined = false;
  permissionChanges = 0;
  /** What this client sent, by kind: "join", "leave", or the kind of the `y` message. */
  readonly sent: string[] = [];
  document: LiveDocument | null = null;

  constructor(
    private readonly server: Server,
    readonly user: PresenceUser,
  ) {}

  get dossierId(): number {
    return this.server.dossierId;
  }

  isConnected(): boolean {
    return this.connected;
  }

  send(event: string, args: unknown[], ack?: Ack): void {
    this.sent.push(event === "y" ? protocol.parse(args[2] as Uint8Array).kind : event);
    queueMicrotask(() => {
      if (this.connected) this.server.handle(this, event, args, ack);
    });
  }

  permissionsChanged(): void {
    this.permissionChanges += 1;
  }

  deliver(bytes: Uint8Array): void {
    queueMicrotask(() => {
      if (this.connected) this.document?.received(bytes);
    });
  }

  open(): LiveDocument {
    this.document = new LiveDocument(this, NAME, this.user, false);
    opened.push(this.document);
    return this.document;
  }

  connect(): void {
    this.connected = true;
    this.document?.connected();
  }

  disconnect(): void {
    this.connected = false;
    this.joined = false;
    this.document?.disconnected("offline");
  }

  sentUpdates(): number {
    return this.sent.filter((kind) => kind === "update" || kind === "step2").length;
  }
}

const opened: LiveDocument[] = [];
afterEach(() => {
  opened.splice(0).forEach((doc) => doc.close());
});

const LEA: PresenceUser = { id: 1, name: "Léa", color: "#1f4fa8", role: "lead" };
const PAUL: PresenceUser = { id: 2, name: "Paul", color: "#a61b1b", role: "partner" };

const text = (doc: LiveDocument) => doc.doc.getText("t").toJSON();

async function joined(client: Client): Promise<LiveDocument> {
  const doc = client.document ?? client.open();
  client.connect();
  await vi.waitFor(() => expect(doc.status.get().synced).toBe(true));
  return doc;
}

describe("LiveDocument", () => {
  it("two clients converge through the server, and each edit is acknowledged as saved", async () => {
    const server = new Server();
    const lea = await joined(server.client(LEA));
    const paul = await joined(server.client(PAUL));
    lea.doc.getText("t").insert(0, "Un jardin");
    await vi.waitFor(() => expect(text(paul)).toBe("Un jardin"));
    paul.doc.getText("t").insert(9, " partagé");
    await vi.waitFor(() => expect(text(lea)).toBe("Un jardin partagé"));
    expect(server.text()).toBe("Un jardin partagé");
    await vi.waitFor(() => expect(lea.status.get().saved).toBe(true));
    expect(lea.status.get()).toMatchObject({ connection: "connected", pending: 0, unsent: false, error: null });
  });

  it("a visit with nothing new sends no step 2 and adds nothing to the log", async () => {
    const server = new Server();
    server.doc.getText("t").insert(0, "Texte du dossier");
    const stored = server.stored.length;
    const client = server.client(PAUL);
    const paul = await joined(client);
    expect(text(paul)).toBe("Texte du dossier");
    await vi.waitFor(() => expect(paul.status.get().saved).toBe(true));
    expect(client.sentUpdates()).toBe(0);
    expect(server.stored.length).toBe(stored);
  });

  it("edits made offline go with the step 2 of the next join", async () => {
    const server = new Server();
    const client = server.client(LEA);
    const lea = await joined(client);
    const paul = await joined(server.client(PAUL));
    client.disconnect();
    lea.doc.getText("t").insert(0, "Hors ligne");
    expect(lea.status.get()).toMatchObject({ connection: "offline", unsent: true, saved: false });
    expect(client.sentUpdates()).toBe(0);
    client.connect();
    await vi.waitFor(() => expect(text(paul)).toBe("Hors ligne"));
    await vi.waitFor(() => expect(lea.status.get().saved).toBe(true));
    expect(client.sent.filter((kind) => kind === "step2")).toHaveLength(1);
  });

  it("a deletion made offline, which adds no struct, is still sent", async () => {
    const server = new Server();
    const client = server.client(LEA);
    const lea = await joined(client);
    lea.doc.getText("t").insert(0, "Bonjour tout le monde");
    await vi.waitFor(() => expect(server.text()).toBe("Bonjour tout le monde"));
    client.disconnect();
    lea.doc.getText("t").delete(7, 14);
    client.connect();
    await vi.waitFor(() => expect(server.text()).toBe("Bonjour"));
    await vi.waitFor(() => expect(lea.status.get().saved).toBe(true));
  });

  it("what is typed while an update is in flight goes out merged, in one update", async () => {
    const server = new Server();
    const client = server.client(LEA);
    const lea = await joined(client);
    server.holdAcks = true;
    const t = lea.doc.getText("t");
    t.insert(0, "a");
    t.insert(1, "b");
    t.insert(2, "c");
    await vi.waitFor(() => expect(server.text()).toBe("a"));
    expect(lea.status.get()).toMatchObject({ pending: 3, saved: false });
    expect(client.sentUpdates()).toBe(1);
    server.holdAcks = false;
    server.releaseAcks();
    await vi.waitFor(() => expect(server.text()).toBe("abc"));
    expect(client.sentUpdates()).toBe(2);
    await vi.waitFor(() => expect(lea.status.get()).toMatchObject({ pending: 0, saved: true }));
  });

  it("a read-only member keeps its edits on the device and sends none", async () => {
    const server = new Server();
    server.readOnly = true;
    const client = server.client(PAUL);
    const paul = await joined(client);
    expect(paul.status.get().readOnly).toBe(true);
    paul.doc.getText("t").insert(0, "brouillon");
    expect(paul.status.get()).toMatchObject({ keptLocally: true, saved: false });
    await Promise.resolve();
    expect(client.sentUpdates()).toBe(0);
    expect(server.text()).toBe("");
  });

  it("an edit refused as read-only is kept locally, and asks the page to look at the rights again", async () => {
    const server = new Server();
    const client = server.client(PAUL);
    const paul = await joined(client);
    server.readOnly = true; // e.g. the lead switched beneficiaries to comments only
    paul.doc.getText("t").insert(0, "trop tard");
    await vi.waitFor(() => expect(paul.status.get().error?.code).toBe("read_only"));
    expect(paul.status.get()).toMatchObject({ readOnly: true, keptLocally: true, saved: false });
    expect(client.permissionChanges).toBe(1);
    expect(server.text()).toBe("");
    // It joins again at once and learns it is read-only.
    await vi.waitFor(() => expect(client.sent.filter((kind) => kind === "join")).toHaveLength(2));
  });

  it("an update larger than the server's limit goes in pieces under the limit, each saved", async () => {
    const server = new Server();
    server.maxUpdateBytes = 200;
    const client = server.client(LEA);
    const lea = await joined(client);
    lea.doc.getText("t").insert(0, "x".repeat(1000));
    await vi.waitFor(() => expect(server.text()).toBe("x".repeat(1000)));
    await vi.waitFor(() => expect(lea.status.get()).toMatchObject({ saved: true, pending: 0 }));
    expect(lea.status.get().error).toBeFalsy();
    expect(client.sentUpdates()).toBeGreaterThanOrEqual(5);
  });

  it("edits made offline survive a reload (IndexedDB) and reach the server once connected", async () => {
    const server = new Server();
    const first = server.client(LEA);
    first.connected = false;
    const before = first.open();
    before.doc.getText("t").insert(0, "écrit dans le train");
    await new Promise((resolve) => setTimeout(resolve, 50));
    before.close();
    opened.splice(opened.indexOf(before), 1);

    const again = server.client(LEA);
    const after = await joined(again);
    expect(text(after)).toBe("écrit dans le train");
    await vi.waitFor(() => expect(server.text()).toBe("écrit dans le train"));
    await vi.waitFor(() => expect(after.status.get().saved).toBe(true));
  });

  it("each sees the other in its presence, itself first", async () => {
    const server = new Server();
    const lea = await joined(server.client(LEA));
    const paul = await joined(server.client(PAUL));
    await vi.waitFor(() => expect(lea.presence.get().map((p) => p.name)).toEqual(["Léa", "Paul"]));
    await vi.waitFor(() => expect(paul.presence.get().map((p) => p.name)).toEqual(["Paul", "Léa"]));
    expect(paul.presence.get()[0]).toMatchObject({ id: 2, isMe: true, role: "partner" });
    expect(paul.presence.get()[1]).toMatchObject({ id: 1, isMe: false, color: "#1f4fa8" });
    // Once Léa's connection drops, Paul no longer sees her.
    awarenessProtocol.removeAwarenessStates(paul.awareness, [lea.doc.clientID], "server");
    await vi.waitFor(() => expect(paul.presence.get().map((p) => p.name)).toEqual(["Paul"]));
  });
});
