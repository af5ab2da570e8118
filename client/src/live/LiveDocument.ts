// One live document (`action-<id>` or `storyboard`) on the page's Socket.IO
// connection: a small Yjs provider modelled on y-websocket's WebsocketProvider.
//
// - join → the server sends its sync step 1; once the join is acknowledged we
//   send our own sync step 1, whose answer (the server's step 2) makes us
//   `synced`; then we answer the server's step 1 with our step 2: everything
//   the server lacks (edits made offline or before a reload, kept by
//   y-indexeddb). When it lacks nothing (no new structs, and its delete set,
//   carried by its step 2, covers ours), no step 2 is sent: a reader's visit
//   must not add an update to the log, nor count as writing;
// - local Y.Doc updates (any origin but this provider) go out as update
//   messages with an acknowledgement; "all changes saved" means every one of
//   them, and our step 2, came back `{saved: true}` (the server commits first).
//   One update is in flight at a time per document: what is typed meanwhile is
//   merged and sent with the next one (fewer commits and broadcasts, and a fast
//   typist cannot pile up hundreds of waiting requests on the server);
// - awareness (presence, carets) both ways; the server only relays it, so when
//   someone new appears we send our own state again for them to see us;
// - on reconnect: join again (resync); on close: `leave`.

import { IndexeddbPersistence } from "y-indexeddb";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { Role } from "../api/types";
import * as protocol from "./protocol";
import { Store } from "./store";
import { ThreadsStore } from "./threads";

export type ConnectionState = "connecting" | "connected" | "offline" | "failed";

export interface LiveError {
  code: string;
  message: string;
}

export interface DocumentStatus {
  /** Of this document: "connected" once the join was acknowledged. */
  connection: ConnectionState;
  /** The server's state has been received since the last (re)join. */
  synced: boolean;
  /** From the join acknowledgement; null until then. */
  readOnly: boolean | null;
  /** Local updates sent and not acknowledged yet, or waiting to be sent. */
  pending: number;
  /** Local changes not sent yet (offline, or before the join): the next sync step 2 carries them. */
  unsent: boolean;
  /** At least one acknowledgement `{saved: true}` since the last (re)join. */
  acknowledged: boolean;
  /** Every local change is acknowledged as durably saved by the server. */
  saved: boolean;
  /** Changes made on this device that the server refused or may not take (read-only): kept locally. */
  keptLocally: boolean;
  /** The last refusal (join, y-error, or an update's acknowledgement). */
  error: LiveError | null;
}

/** The presence we publish in the awareness `user` field (read by the collaboration caret too). */
export interface PresenceUser {
  id: number;
  name: string;
  color: string;
  role: Role;
}

export interface PresentPerson extends PresenceUser {
  isMe: boolean;
}

/** What a document needs from the page's connection. */
export interface Transport {
  readonly dossierId: number;
  isConnected(): boolean;
  send(event: string, args: unknown[], ack?: { timeout: number; callback: (error: Error | null, reply: unknown) => void }): void;
  /** Our edits were refused as read-only: the dossier's settings may have changed. */
  permissionsChanged(): void;
}

interface JoinAck {
  ok: boolean;
  read_only?: boolean;
  max_update_bytes?: number;
  error?: LiveError;
}

interface YAck {
  saved?: boolean;
  ok?: boolean;
  error?: LiveError;
}

const JOIN_TIMEOUT = 15_000;
/** Unacknowledged messages (step 2 or update) per document; the rest waits, merged, in the outbox. */
const MAX_IN_FLIGHT = 1;
const UPDATE_TIMEOUT = 30_000;
/** Bytes a y message adds around its update (type, sub-type, length): the limit is on the update. */
const MESSAGE_FRAMING = 16;
const RETRY_DELAY = 2_000;
/** How long to wait for IndexedDB before joining without it (private mode, blocked storage). */
const LOCAL_LOAD_TIMEOUT = 3_000;
/** Codes after which a new sync (rejoin) sends the change again. */
const RETRYABLE = new Set(["storage_error", "storage_timeout", "not_joined", "timeout"]);

function asLiveError(value: unknown, fallback: string): LiveError {
  if (value && typeof value === "object" && typeof (value as LiveError).code === "string") {
    const error = value as LiveError;
    return { code: error.code, message: typeof error.message === "string" ? error.message : "" };
  }
  return { code: fallback, message: "" };
}

export class LiveDocument {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly threads: ThreadsStore;
  readonly dossierId: number;
  readonly status: Store<DocumentStatus>;
  readonly presence = new Store<readonly PresentPerson[]>([]);

  private readonly persistence: IndexeddbPersistence | null = null;
  private readonly localReady: Promise<void>;
  /** Bumped by every (re)join and disconnect: acknowledgements of an older generation are ignored. */
  private generation = 0;
  private joined = false;
  private serverStateVector: Uint8Array | null = null;
  /** The server's delete set, from its step 2 (since the last join). */
  private serverDeleteSet: protocol.DeleteSet | null = null;
  private stepTwoSent = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private maxUpdateBytes = Infinity;
  /** Sent, not yet acknowledged (this generation). */
  private inFlight = 0;
  /** Local updates waiting for the one in flight to be acknowledged. */
  private outbox: Uint8Array[] = [];

  constructor(
    private readonly transport: Transport,
    readonly name: string,
    readonly user: PresenceUser,
    readOnlyGuess: boolean,
  ) {
    this.dossierId = transport.dossierId;
    this.threads = new ThreadsStore(transport.dossierId, name);
    this.status = new Store<DocumentStatus>({
      connection: "connecting",
      synced: false,
      readOnly: readOnlyGuess,
      pending: 0,
      unsent: false,
      acknowledged: false,
      saved: false,
      keptLocally: false,
      error: null,
    });
    // Per person as well as per document: a shared phone must not send one
    // person's offline edits under another's name.
    const storageName = `codossier:${transport.dossierId}:${name}:u${user.id}`;
    try {
      this.persistence = new IndexeddbPersistence(storageName, this.doc);
      const loaded = this.persistence.whenSynced.then(() => undefined);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, LOCAL_LOAD_TIMEOUT));
      this.localReady = Promise.race([loaded, timeout]).catch(() => undefined);
    } catch {
      this.localReady = Promise.resolve();
    }
    this.doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
    this.awareness.on("change", this.onAwarenessChange);
    this.awareness.setLocalStateField("user", user);
    this.refreshPresence();
  }

  // --- connection events (called by LiveConnection) --------------------------

  connected(): void {
    void this.localReady.then(() => {
      if (!this.closed && this.transport.isConnected()) this.join();
    });
  }

  disconnected(connection: "connecting" | "offline"): void {
    this.generation += 1;
    this.clearRetry();
    const { pending, unsent } = this.status.get();
    this.forgetSession();
    // The server dropped our awareness; theirs is stale for us.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
    this.publish({
      connection,
      synced: false,
      pending: 0,
      // Whatever was in flight is sent again by the next sync step 2.
      unsent: unsent || pending > 0,
      acknowledged: false,
    });
  }

  /** A `y` event for this document. */
  received(bytes: Uint8Array): void {
    const incoming = protocol.parse(bytes);
    switch (incoming.kind) {
      case "step1":
        this.serverStateVector = incoming.stateVector;
        this.answerServer();
        break;
      case "step2":
        Y.applyUpdate(this.doc, incoming.update, this);
        if (this.joined) {
          this.serverDeleteSet = protocol.deleteSetOf(incoming.update);
          this.publish({ synced: true });
          this.answerServer();
        }
        break;
      case "update":
        Y.applyUpdate(this.doc, incoming.update, this);
        break;
      case "awareness":
        this.receiveAwareness(incoming.update);
        break;
      default:
        break;
    }
  }

  /** A `y-error` event for this document. */
  refused(error: LiveError): void {
    this.handleRefusal(error);
  }

  /** Join again (after a change of the dossier's settings, or to resend what the server refused to store). */
  rejoin(): void {
    if (this.closed || !this.transport.isConnected()) return;
    this.generation += 1;
    this.join();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearRetry();
    if (this.joined && this.transport.isConnected()) {
      this.transport.send("leave", [{ dossier_id: this.transport.dossierId, document: this.name }], {
        timeout: JOIN_TIMEOUT,
        callback: () => undefined,
      });
    }
    this.generation += 1;
    this.joined = false;
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    this.awareness.off("change", this.onAwarenessChange);
    this.awareness.destroy();
    void this.persistence?.destroy();
    this.doc.destroy();
  }

  // --- sync --------------------------------------------------------------------

  private join(): void {
    const generation = ++this.generation;
    this.clearRetry();
    // Whatever was in flight or waiting is carried by the step 2 of the next join.
    this.forgetSession();
    const { pending, unsent } = this.status.get();
    this.publish({ connection: "connecting", synced: false, pending: 0, unsent: unsent || pending > 0, acknowledged: false });
    this.transport.send("join", [{ dossier_id: this.transport.dossierId, document: this.name }], {
      timeout: JOIN_TIMEOUT,
      callback: (error, reply) => {
        if (generation !== this.generation || this.closed) return;
        if (error) {
          this.publish({ error: { code: "timeout", message: "" } });
          this.retryLater();
          return;
        }
        const ack = (reply ?? {}) as JoinAck;
        if (!ack.ok) {
          this.publish({ connection: "failed", error: asLiveError(ack.error, "generic") });
          return;
        }
        this.joined = true;
        this.maxUpdateBytes = typeof ack.max_update_bytes === "number" ? ack.max_update_bytes : Infinity;
        const readOnly = Boolean(ack.read_only);
        const previous = this.status.get();
        this.publish({
          connection: "connected",
          readOnly,
          // A refusal is forgotten once a new join succeeds; a lasting one comes back.
          error: previous.error && RETRYABLE.has(previous.error.code) ? null : previous.error,
          keptLocally: readOnly ? previous.keptLocally : false,
        });
        // Our sync step 1: the server answers with its step 2.
        this.transport.send("y", [this.transport.dossierId, this.name, protocol.syncStep1(this.doc)]);
        this.sendOwnAwareness(true);
      },
    });
  }

  /** Answer the server's sync step 1 with our step 2, once joined and synced (we then know its state). */
  private answerServer(): void {
    const sv = this.serverStateVector;
    const ds = this.serverDeleteSet;
    if (!this.joined || sv === null || ds === null || this.stepTwoSent) return;
    this.serverStateVector = null;
    const lacking = protocol.hasStructsBeyond(this.doc, sv) || protocol.hasDeletionsBeyond(this.doc, ds);
    if (this.status.get().readOnly) {
      // The server would refuse it: keep our changes on this device and say so.
      this.publish({ unsent: false, keptLocally: lacking || this.status.get().keptLocally });
      return;
    }
    this.stepTwoSent = true;
    this.outbox = [];
    if (!lacking) {
      // Nothing to save: the server already holds all of this document.
      this.publish({ unsent: false, acknowledged: true });
      return;
    }
    this.publish({ unsent: false });
    const update = Y.encodeStateAsUpdate(this.doc, sv);
    const parts = protocol.splitUpdate(update, this.partLimit());
    if (parts.length === 1) {
      this.sendTracked(protocol.syncStep2Message(update));
      return;
    }
    // A long offline session: in pieces under the server's limit, one acknowledged after the other.
    this.outbox.push(...parts);
    this.flush();
  }

  /** The largest update a message may carry (the limit counts the payload; a margin for its framing). */
  private partLimit(): number {
    return this.maxUpdateBytes - MESSAGE_FRAMING;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || this.closed) return;
    const status = this.status.get();
    if (status.readOnly && this.joined) {
      this.publish({ keptLocally: true });
      return;
    }
    if (!this.joined || !this.stepTwoSent || !this.transport.isConnected()) {
      // Sent by the sync step 2 of the next (re)join.
      if (!status.unsent) this.publish({ unsent: true });
      return;
    }
    this.outbox.push(update);
    this.flush();
  };

  /** Send what waits in the outbox, merged into one update, when nothing is in flight. */
  private flush(): void {
    if (this.status.get().readOnly) {
      // Refused anyway: these changes stay in the local document (keptLocally).
      this.outbox = [];
    }
    if (this.inFlight >= MAX_IN_FLIGHT || this.outbox.length === 0 || this.closed) {
      this.publish({ pending: this.inFlight + this.outbox.length });
      return;
    }
    const limit = this.partLimit();
    const first = this.outbox[0];
    if (first && first.byteLength > limit) this.outbox.splice(0, 1, ...protocol.splitUpdate(first, limit));
    // As many waiting updates as fit under the limit together (at least one), merged.
    let count = 0;
    let size = 0;
    for (const update of this.outbox) {
      if (count > 0 && size + update.byteLength > limit) break;
      size += update.byteLength;
      count += 1;
    }
    const batch = this.outbox.splice(0, count);
    this.sendTracked(protocol.updateMessage(batch.length === 1 && batch[0] ? batch[0] : Y.mergeUpdates(batch)));
  }

  /** Send a step 2 or an update and count it until the server acknowledges it. */
  private sendTracked(message: Uint8Array): void {
    if (message.byteLength > this.maxUpdateBytes + MESSAGE_FRAMING) {
      this.handleRefusal({ code: "too_large", message: "" });
      this.flush();
      return;
    }
    const generation = this.generation;
    this.inFlight += 1;
    this.publish({ pending: this.inFlight + this.outbox.length });
    this.transport.send("y", [this.transport.dossierId, this.name, message], {
      timeout: UPDATE_TIMEOUT,
      callback: (error, reply) => {
        if (generation !== this.generation || this.closed) return;
        this.inFlight = Math.max(0, this.inFlight - 1);
        if (error) {
          // Lost or stuck: the step 2 of a new join carries it (and the outbox) again.
          this.publish({ unsent: true, error: { code: "timeout", message: "" } });
          this.retryLater();
          return;
        }
        const ack = (reply ?? {}) as YAck;
        if (ack.saved === true) {
          this.publish({ acknowledged: true });
        } else {
          this.handleRefusal(asLiveError(ack.error, "generic"));
        }
        this.flush();
      },
    });
  }

  private handleRefusal(error: LiveError): void {
    if (this.closed) return;
    switch (error.code) {
      case "read_only":
        // The lead may have switched beneficiaries to comments only, or the
        // dossier was frozen: our change stays here; join again to learn the new rights.
        this.publish({ error, readOnly: true, keptLocally: true });
        this.transport.permissionsChanged();
        this.retryLater(0);
        break;
      case "not_joined":
      case "storage_error":
      case "storage_timeout":
        this.publish({ error, unsent: true });
        this.retryLater();
        break;
      default:
        // too_large, invalid_update, invalid_content, invalid_message…: sending it again would fail again.
        this.publish({ error, keptLocally: true });
        break;
    }
  }

  private retryLater(delay = RETRY_DELAY): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.rejoin();
    }, delay);
  }

  /** Forget what this connection's join told us and what it still had in flight. */
  private forgetSession(): void {
    this.joined = false;
    this.stepTwoSent = false;
    this.serverStateVector = null;
    this.serverDeleteSet = null;
    this.inFlight = 0;
    this.outbox = [];
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  // --- awareness ---------------------------------------------------------------

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin !== "local" || !this.joined || !this.transport.isConnected()) return;
    // Only our own state: the server attributes the client ids we send to our connection.
    const mine = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID);
    if (mine.length) this.transport.send("y", [this.transport.dossierId, this.name, protocol.awarenessMessage(this.awareness, mine)]);
  };

  private readonly onAwarenessChange = (): void => {
    this.refreshPresence();
  };

  private receiveAwareness(update: Uint8Array): void {
    const known = new Set(this.awareness.getStates().keys());
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, this);
    } catch {
      return;
    }
    // The server does not store awareness: someone who just arrived cannot
    // know we are here until we say it again.
    for (const id of this.awareness.getStates().keys()) {
      if (id !== this.doc.clientID && !known.has(id)) {
        this.sendOwnAwareness(false);
        break;
      }
    }
  }

  private sendOwnAwareness(afterJoin: boolean): void {
    if (!this.joined || this.awareness.getLocalState() === null) return;
    if (afterJoin) {
      // When we left, the server told the others our state was gone at clock + 1:
      // move past it, or they would ignore our state until its next renewal.
      const state = this.awareness.getLocalState();
      this.awareness.setLocalState(state);
      this.awareness.setLocalState(state);
    }
    this.transport.send("y", [this.transport.dossierId, this.name, protocol.awarenessMessage(this.awareness, [this.doc.clientID])]);
  }

  private refreshPresence(): void {
    const people = new Map<number, PresentPerson>();
    const me = this.doc.clientID;
    this.awareness.getStates().forEach((state, clientId) => {
      const user = (state as { user?: Partial<PresenceUser> } | null)?.user;
      if (!user || typeof user.id !== "number" || typeof user.name !== "string") return;
      const isMe = clientId === me || user.id === this.user.id;
      if (people.has(user.id) && !isMe) return;
      people.set(user.id, {
        id: user.id,
        name: user.name,
        color: typeof user.color === "string" ? user.color : "#374151",
        role: user.role ?? "partner",
        isMe,
      });
    });
    const list = [...people.values()].sort((a, b) => (a.isMe === b.isMe ? a.name.localeCompare(b.name) : a.isMe ? -1 : 1));
    const previous = this.presence.get();
    const same =
      previous.length === list.length &&
      previous.every((p, i) => {
        const q = list[i];
        return q !== undefined && p.id === q.id && p.name === q.name && p.color === q.color && p.role === q.role && p.isMe === q.isMe;
      });
    if (!same) this.presence.set(list);
  }

  // --- status --------------------------------------------------------------------

  private publish(change: Partial<DocumentStatus>): void {
    const next = { ...this.status.get(), ...change };
    next.saved =
      next.connection === "connected" &&
      next.readOnly === false &&
      this.stepTwoSent &&
      next.pending === 0 &&
      !next.unsent &&
      next.acknowledged &&
      !next.keptLocally;
    this.status.update(next);
  }
}
