// Node harness for the client's live-document code, run by tests/events/test_offline_session.py
// (bundled with rolldown, then `node bundle.mjs <mode> <json options>`; prints one JSON line).
//
// - `split`: splitUpdate on random documents and limits: every piece under the limit, and the
//   pieces applied in order give exactly the document of the whole update.
// - `merge`: a LiveDocument (the browser's provider, here over socket.io-client in Node) with
//   `megabytes` of edits made offline connects to a real server and must end "saved".

import "./node_globals";
import { io } from "socket.io-client";
import * as Y from "yjs";
import { LiveDocument, type Transport } from "../src/live/LiveDocument";
import { splitUpdate, toBytes } from "../src/live/protocol";

type Options = Record<string, unknown>;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = ["jardin ", "partagé ", "bénéficiaires ", "🌱 ", "gouvernance ", "é", "\n", "ÿ", "𝄞"];

function randomText(next: () => number, length: number): string {
  let text = "";
  while (text.length < length) text += WORDS[Math.floor(next() * WORDS.length)];
  return text;
}

/** A document edited by several clients: paragraphs of text (some very long), formatting, deletions. */
function randomDocument(next: () => number): Y.Doc {
  const doc = new Y.Doc();
  const peers = [doc, new Y.Doc(), new Y.Doc()];
  for (let round = 0; round < 30; round++) {
    const peer = peers[Math.floor(next() * peers.length)] as Y.Doc;
    const fragment = peer.getXmlFragment(next() < 0.7 ? "objectifs" : "descriptif");
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    fragment.insert(fragment.length, [paragraph]);
    text.insert(0, randomText(next, next() < 0.2 ? 20_000 : 300), next() < 0.3 ? { bold: {} } : undefined);
    if (next() < 0.4 && text.length > 10) text.delete(Math.floor(next() * (text.length - 5)), 5);
    if (next() < 0.2) peer.getMap("meta").set(`k${round}`, Array.from({ length: 50 }, (_, i) => i * round));
    for (const other of peers) if (other !== peer) Y.applyUpdate(other, Y.encodeStateAsUpdate(peer));
  }
  return doc;
}

/** A map's entries in key order (the order of a Y.Map's keys depends on the order updates arrived). */
function sortedJSON(map: Y.Map<unknown>): string {
  return JSON.stringify(Object.entries(map.toJSON()).sort(([a], [b]) => a.localeCompare(b)));
}

function sameState(a: Y.Doc, b: Y.Doc): boolean {
  const keys = ["objectifs", "descriptif"];
  return (
    keys.every((key) => a.getXmlFragment(key).toJSON() === b.getXmlFragment(key).toJSON()) &&
    sortedJSON(a.getMap("meta")) === sortedJSON(b.getMap("meta")) &&
    Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)))
  );
}

function split(options: Options): object {
  const next = random(Number(options.seed ?? 1));
  const failures: string[] = [];
  let pieces = 0;
  for (let round = 0; round < Number(options.rounds ?? 20); round++) {
    const doc = randomDocument(next);
    const update = Y.encodeStateAsUpdate(doc);
    const limit = 200 + Math.floor(next() * 30_000);
    const parts = splitUpdate(update, limit);
    pieces += parts.length;
    const over = parts.filter((part) => part.byteLength > limit).length;
    const copy = new Y.Doc();
    for (const part of parts) Y.applyUpdate(copy, part);
    if (over > 0) failures.push(`round ${round}: ${over} pieces over ${limit} bytes`);
    if (!sameState(copy, doc)) failures.push(`round ${round}: the pieces give another document (limit ${limit})`);
    if (copy.store.pendingStructs !== null || copy.store.pendingDs !== null) failures.push(`round ${round}: pending`);
  }
  return { failures, pieces };
}

async function merge(options: Options): Promise<object> {
  const url = String(options.url);
  const dossierId = Number(options.dossier_id);
  const name = String(options.document);
  const megabytes = Number(options.megabytes);
  const socket = io(url, {
    transports: ["websocket"],
    extraHeaders: { Cookie: `codossier_session=${String(options.cookie)}` },
    autoConnect: false,
    reconnection: false,
  });
  const sizes: number[] = [];
  let disconnects = 0;
  const transport: Transport = {
    dossierId,
    isConnected: () => socket.connected,
    send(event, args, ack) {
      if (!socket.connected) return;
      if (event === "y") sizes.push((args[2] as Uint8Array).byteLength);
      if (ack) socket.timeout(ack.timeout).emit(event, ...args, (error: Error | null, reply: unknown) => ack.callback(error, reply));
      else socket.emit(event, ...args);
    },
    permissionsChanged: () => undefined,
  };
  const live = new LiveDocument(transport, name, { id: 1, name: "Hors ligne", color: "#123456", role: "partner" }, false);
  // The offline session: paragraphs typed while away, and one very long paste.
  const fragment = live.doc.getXmlFragment(String(options.field));
  const next = random(7);
  let written = 0;
  const target = megabytes * 1024 * 1024;
  const paste = new Y.XmlElement("paragraph");
  const pasted = new Y.XmlText();
  paste.insert(0, [pasted]);
  fragment.insert(0, [paste]);
  const pasteText = randomText(next, 1_500_000);
  pasted.insert(0, pasteText);
  written += Buffer.byteLength(pasteText);
  let paragraphs = 1;
  while (written < target) {
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    fragment.insert(fragment.length, [paragraph]);
    const words = `§${paragraphs} ` + randomText(next, 4_000);
    text.insert(0, words);
    written += Buffer.byteLength(words);
    paragraphs += 1;
  }
  const expected = fragment.toJSON();
  const pending = Y.encodeStateAsUpdate(live.doc).byteLength;

  socket.on("y", (id: unknown, document: unknown, message: unknown) => {
    const bytes = toBytes(message);
    if (id === dossierId && document === name && bytes) live.received(bytes);
  });
  socket.on("y-error", (payload: { code: string; message: string }) => live.refused(payload));
  socket.on("disconnect", () => {
    disconnects += 1;
  });
  socket.on("connect", () => live.connected());
  socket.connect();

  const deadline = Date.now() + Number(options.timeout ?? 120) * 1000;
  while (!live.status.get().saved && Date.now() < deadline && disconnects === 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const status = live.status.get();
  const result = {
    saved: status.saved,
    error: status.error,
    keptLocally: status.keptLocally,
    disconnects,
    pendingBytes: pending,
    messages: sizes.length,
    largestMessage: Math.max(0, ...sizes),
    paragraphs,
    expectedLength: expected.length,
  };
  socket.disconnect();
  return result;
}

async function main(): Promise<void> {
  const [mode, raw] = process.argv.slice(2);
  const options = JSON.parse(raw ?? "{}") as Options;
  const result = mode === "split" ? split(options) : await merge(options);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}

void main();
