// y-protocols messages as carried in the `y` Socket.IO events (docs/protocol.md):
// [0, 0, sv] sync step 1, [0, 1, update] sync step 2, [0, 2, update] update,
// [1, awareness update] awareness.

import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;

export type Incoming =
  | { kind: "step1"; stateVector: Uint8Array }
  | { kind: "step2"; update: Uint8Array }
  | { kind: "update"; update: Uint8Array }
  | { kind: "awareness"; update: Uint8Array }
  | { kind: "unknown" };

function message(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export function syncStep1(doc: Y.Doc): Uint8Array {
  return message((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, doc);
  });
}

/** What `doc` holds beyond the state vector `sv` (everything when sv is empty). */
export function syncStep2(doc: Y.Doc, sv: Uint8Array): Uint8Array {
  return message((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep2(encoder, doc, sv);
  });
}

export function updateMessage(update: Uint8Array): Uint8Array {
  return message((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
  });
}

export function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  return message((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  });
}

export function parse(bytes: Uint8Array): Incoming {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const sub = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (sub === syncProtocol.messageYjsSyncStep1) return { kind: "step1", stateVector: payload };
      if (sub === syncProtocol.messageYjsSyncStep2) return { kind: "step2", update: payload };
      if (sub === syncProtocol.messageYjsUpdate) return { kind: "update", update: payload };
    } else if (type === MESSAGE_AWARENESS) {
      return { kind: "awareness", update: decoding.readVarUint8Array(decoder) };
    }
  } catch {
    // A truncated message: ignored like an unknown one.
  }
  return { kind: "unknown" };
}

/** Whether `doc` holds structs that a peer with state vector `sv` has not seen. */
export function hasStructsBeyond(doc: Y.Doc, sv: Uint8Array): boolean {
  const theirs = Y.decodeStateVector(sv);
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
    if (clock > (theirs.get(client) ?? 0)) return true;
  }
  return false;
}

export type DeleteSet = ReturnType<typeof Y.decodeUpdate>["ds"];

/** The delete set carried by an update (Yjs writes the sender's whole delete set in every update). */
export function deleteSetOf(update: Uint8Array): DeleteSet {
  return Y.decodeUpdate(update).ds;
}

/**
 * Whether `doc` has deleted something that the delete set `theirs` does not
 * cover. Conservative: when in doubt, it answers true (and the caller sends).
 */
export function hasDeletionsBeyond(doc: Y.Doc, theirs: DeleteSet): boolean {
  const ours = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, items] of ours.clients) {
    const known = [...(theirs.clients.get(client) ?? [])].sort((a, b) => a.clock - b.clock);
    for (const item of items) {
      // Is [item.clock, item.clock + item.len) covered by the union of `known`?
      let from = item.clock;
      const end = item.clock + item.len;
      for (const range of known) {
        if (range.clock > from) break;
        if (range.clock + range.len > from) from = range.clock + range.len;
        if (from >= end) break;
      }
      if (from < end) return true;
    }
  }
  return false;
}

/** Binary payloads arrive as ArrayBuffer (browser), or typed arrays. */
export function toBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}
