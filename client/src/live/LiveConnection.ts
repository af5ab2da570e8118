// The page's one Socket.IO connection (same origin, session cookie) and the
// live documents open on it. Routes the server's `y`, `y-error` and `comment`
// events to their document; follows the browser's online/offline events
// (an open connection is not closed when the network goes away, so we close it
// ourselves and reconnect when the network is back).
//
// Transports: WebSocket first; where it fails at once (a proxy refusing it, as
// in many social centres and town halls), HTTP long-polling straight away
// (`tryAllTransports`); and after any failed attempt (a proxy that swallows the
// WebSocket without answering ends in a connection timeout), polling first
// with the usual upgrade to WebSocket. Events, acks and the session cookie
// behave the same on both. Several server processes need sticky sessions for
// polling (README, "On PostgreSQL, several processes").

import { io, type Socket } from "socket.io-client";
import type { Thread } from "../api/types";
import { LiveDocument, type ConnectionState, type LiveError, type PresenceUser, type Transport } from "./LiveDocument";
import { toBytes } from "./protocol";
import { Store } from "./store";

interface Entry {
  document: LiveDocument;
  refs: number;
  closeTimer: ReturnType<typeof setTimeout> | null;
}

/** Keep a released document open a moment: a remount (tab switch back, StrictMode) reuses it. */
const CLOSE_DELAY = 1_500;

export class LiveConnection implements Transport {
  readonly state = new Store<ConnectionState>("connecting");
  /** The browser is online but no transport reaches the server (filtered network, or server down). */
  readonly unreachable = new Store<boolean>(false);
  private readonly socket: Socket;
  private readonly documents = new Map<string, Entry>();
  private readonly permissionListeners = new Set<() => void>();
  private everConnected = false;
  private destroyed = false;
  /** Before a join acknowledgement says otherwise: may this person edit? */
  readOnlyGuess = false;

  constructor(
    readonly dossierId: number,
    readonly user: PresenceUser,
  ) {
    this.socket = io({
      path: "/socket.io/",
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      withCredentials: true,
      autoConnect: false,
      reconnectionDelayMax: 10_000,
    });
    this.socket.on("connect", this.onConnect);
    this.socket.on("disconnect", this.onDisconnect);
    this.socket.on("connect_error", this.onConnectError);
    this.socket.on("y", this.onY);
    this.socket.on("y-error", this.onYError);
    this.socket.on("comment", this.onComment);
    this.socket.on("dossier", this.onDossier);
    window.addEventListener("offline", this.onBrowserOffline);
    window.addEventListener("online", this.onBrowserOnline);
    if (navigator.onLine) this.socket.connect();
    else this.state.set("offline");
  }

  // --- Transport -----------------------------------------------------------------

  isConnected(): boolean {
    return this.socket.connected;
  }

  send(
    event: string,
    args: unknown[],
    ack?: { timeout: number; callback: (error: Error | null, reply: unknown) => void },
  ): void {
    // socket.io-client buffers emits while disconnected and sends them on
    // reconnection, before our new `join`: never let it.
    if (!this.socket.connected) return;
    if (ack) {
      this.socket.timeout(ack.timeout).emit(event, ...args, (error: Error | null, reply: unknown) => ack.callback(error, reply));
    } else {
      this.socket.emit(event, ...args);
    }
  }

  permissionsChanged(): void {
    this.permissionListeners.forEach((listener) => listener());
  }

  // --- documents -------------------------------------------------------------------

  acquire(name: string): LiveDocument {
    const existing = this.documents.get(name);
    if (existing) {
      existing.refs += 1;
      if (existing.closeTimer !== null) clearTimeout(existing.closeTimer);
      existing.closeTimer = null;
      return existing.document;
    }
    const document = new LiveDocument(this, name, this.user, this.readOnlyGuess);
    this.documents.set(name, { document, refs: 1, closeTimer: null });
    void document.threads.load();
    if (this.socket.connected) document.connected();
    else document.disconnected(this.everConnected || this.state.get() === "offline" ? "offline" : "connecting");
    return document;
  }

  release(name: string): void {
    const entry = this.documents.get(name);
    if (!entry) return;
    entry.refs -= 1;
    if (entry.refs > 0) return;
    entry.closeTimer = setTimeout(() => {
      entry.document.close();
      this.documents.delete(name);
    }, CLOSE_DELAY);
  }

  /** Join every open document again: the dossier's settings (who may edit) changed. */
  rejoinAll(): void {
    this.documents.forEach((entry) => entry.document.rejoin());
  }

  /** Called when our edits were refused as read-only, or the server announced a dossier change. */
  onPermissionsChanged(listener: () => void): () => void {
    this.permissionListeners.add(listener);
    return () => this.permissionListeners.delete(listener);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    window.removeEventListener("offline", this.onBrowserOffline);
    window.removeEventListener("online", this.onBrowserOnline);
    this.documents.forEach((entry) => {
      if (entry.closeTimer !== null) clearTimeout(entry.closeTimer);
      entry.document.close();
    });
    this.documents.clear();
    this.socket.off();
    this.socket.disconnect();
    this.permissionListeners.clear();
  }

  // --- socket events ---------------------------------------------------------------

  private readonly onConnect = (): void => {
    const reconnection = this.everConnected;
    this.everConnected = true;
    this.unreachable.set(false);
    this.state.set("connected");
    this.documents.forEach(({ document }) => {
      document.connected();
      // Comment events sent while we were away were missed.
      if (reconnection) void document.threads.load();
    });
  };

  private readonly onDisconnect = (reason: Socket.DisconnectReason): void => {
    const state: ConnectionState = navigator.onLine && !this.everConnected ? "connecting" : "offline";
    this.state.set(state);
    this.documents.forEach(({ document }) => document.disconnected(state === "connecting" ? "connecting" : "offline"));
    if (reason === "io server disconnect" && !this.destroyed) {
      // The server closed the connection (e.g. restart): socket.io does not retry by itself.
      setTimeout(() => {
        if (!this.destroyed && navigator.onLine && !this.socket.connected) this.socket.connect();
      }, 2_000);
    }
  };

  private readonly onConnectError = (): void => {
    // Not reachable (server down, network filtering both transports, or the session is gone): edits stay on
    // this device.
    this.unreachable.set(this.socket.active && navigator.onLine);
    this.socket.io.opts.transports = ["polling", "websocket"];
    this.state.set(this.socket.active ? "offline" : "failed");
    this.documents.forEach(({ document }) => document.disconnected("offline"));
  };

  private readonly onBrowserOffline = (): void => {
    this.socket.disconnect();
    this.unreachable.set(false);
    this.state.set("offline");
    this.documents.forEach(({ document }) => document.disconnected("offline"));
  };

  private readonly onBrowserOnline = (): void => {
    if (!this.destroyed && !this.socket.connected) this.socket.connect();
  };

  private readonly onY = (dossierId: unknown, name: unknown, message: unknown): void => {
    if (dossierId !== this.dossierId || typeof name !== "string") return;
    const bytes = toBytes(message);
    if (bytes) this.documents.get(name)?.document.received(bytes);
  };

  private readonly onYError = (payload: unknown): void => {
    if (!payload || typeof payload !== "object") return;
    const { dossier_id, document, code, message } = payload as { dossier_id?: unknown; document?: unknown; code?: unknown; message?: unknown };
    if (dossier_id !== this.dossierId || typeof document !== "string" || typeof code !== "string") return;
    const error: LiveError = { code, message: typeof message === "string" ? message : "" };
    this.documents.get(document)?.document.refused(error);
  };

  private readonly onComment = (thread: unknown): void => {
    if (!thread || typeof thread !== "object") return;
    const value = thread as Thread;
    if (typeof value.id !== "number" || typeof value.document !== "string") return;
    if (value.dossier_id !== this.dossierId) return;
    this.documents.get(value.document)?.document.threads.upsert(value);
  };

  /** The lead changed the dossier's settings or members: editing rights may have changed. */
  private readonly onDossier = (payload: unknown): void => {
    const id = payload && typeof payload === "object" ? (payload as { id?: unknown }).id : undefined;
    if (id !== undefined && id !== this.dossierId) return;
    this.permissionsChanged();
  };
}
