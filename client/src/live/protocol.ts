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

/** A sync step 2 carrying an update already computed. */
export function syncStep2Message(update: Uint8Array): Uint8Array {
  return message((encoder) => {
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(encoder, update);
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

// --- splitting a large update ----------------------------------------------------
//
// The server refuses an update over its limit (`max_update_bytes` in the join
// acknowledgement). A long offline session, or a big paste, can exceed it: the
// update is then cut into several updates, each under the limit, which applied
// in order give the same state. Yjs has no public "cut" function; the pieces are
// written with its exported encoder the way `Y.mergeUpdates` writes them: for
// each client, a run of structs from a start clock, the first one possibly
// entered at an offset, the last one possibly cut short (text, deleted ranges,
// arrays and GC ranges split; other structs are one unit long).

type Struct = Y.Item | Y.GC | Y.Skip;

interface Part {
  struct: Struct;
  offset: number;
  end: number;
}

/** Bytes of a chunk's own framing: struct count, client and clock of a client's run (varuints). */
const RUN_HEADER = 16;
const CHUNK_HEADER = 8;

function splittable(struct: Struct): boolean {
  if (!(struct instanceof Y.Item)) return true; // GC and Skip are ranges
  const content = struct.content;
  return (
    content instanceof Y.ContentString ||
    content instanceof Y.ContentDeleted ||
    content instanceof Y.ContentAny ||
    content instanceof Y.ContentJSON
  );
}

/** The struct cut after `end` units (the struct itself when nothing is cut). */
function cutAt(struct: Struct, end: number): Struct {
  if (end >= struct.length) return struct;
  if (struct instanceof Y.GC) return new Y.GC(struct.id, end);
  if (struct instanceof Y.Skip) return new Y.Skip(struct.id, end);
  const content = struct.content.copy();
  content.splice(end);
  return new Y.Item(struct.id, null, struct.origin, null, struct.rightOrigin, struct.parent, struct.parentSub, content);
}

/** Never cut between the two halves of a UTF-16 surrogate pair (Yjs would replace both). */
function safeEnd(struct: Struct, end: number): number {
  if (struct instanceof Y.Item && struct.content instanceof Y.ContentString) {
    const code = struct.content.str.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) return end - 1;
  }
  return end;
}

function partBytes(struct: Struct, offset: number, end: number): number {
  const encoder = new Y.UpdateEncoderV1();
  cutAt(struct, end).write(encoder, offset);
  return encoder.toUint8Array().byteLength;
}

/** The longest piece of `struct` from `offset` that fits in `room` bytes: its end and size, or null. */
function fit(struct: Struct, offset: number, room: number): { end: number; size: number } | null {
  const whole = partBytes(struct, offset, struct.length);
  if (whole <= room) return { end: struct.length, size: whole };
  if (!splittable(struct) || room <= 0) return null;
  let end = offset + Math.floor(((struct.length - offset) * room) / whole);
  while (end > offset) {
    end = safeEnd(struct, end);
    if (end <= offset) break;
    const size = partBytes(struct, offset, end);
    if (size <= room) return { end, size };
    end = Math.min(end - 1, offset + Math.floor(((end - offset) * room * 0.95) / size));
  }
  return null;
}

function encodeChunk(parts: Part[], ds: DeleteSet | null): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  const runs: Part[][] = [];
  for (const part of parts) {
    const run = runs[runs.length - 1];
    if (run && run[0]?.struct.id.client === part.struct.id.client) run.push(part);
    else runs.push([part]);
  }
  encoding.writeVarUint(encoder.restEncoder, runs.length);
  for (const run of runs) {
    const first = run[0] as Part;
    encoding.writeVarUint(encoder.restEncoder, run.length);
    encoder.writeClient(first.struct.id.client);
    encoding.writeVarUint(encoder.restEncoder, first.struct.id.clock + first.offset);
    for (const part of run) cutAt(part.struct, part.end).write(encoder, part.offset);
  }
  const clients = ds ? [...ds.clients.entries()].sort((a, b) => b[0] - a[0]) : [];
  encoding.writeVarUint(encoder.restEncoder, clients.length);
  for (const [client, items] of clients) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, items.length);
    for (const item of items) {
      encoder.writeDsClock(item.clock);
      encoder.writeDsLen(item.len);
    }
  }
  return encoder.toUint8Array();
}

/**
 * Cut `update` into updates of at most `limit` bytes that, applied in order,
 * give the same state (the delete set travels with the last one, or alone).
 * An update already under the limit is returned as is. A single struct that
 * cannot be cut and is over the limit stays over it (the caller refuses it).
 */
export function splitUpdate(update: Uint8Array, limit: number): Uint8Array[] {
  if (update.byteLength <= limit) return [update];
  const { structs, ds } = Y.decodeUpdate(update);
  const budget = limit - CHUNK_HEADER;
  const chunks: Part[][] = [];
  let current: Part[] = [];
  let used = 0;
  for (const struct of structs) {
    let offset = 0;
    while (offset < struct.length) {
      const last = current[current.length - 1];
      const header = last && last.struct.id.client === struct.id.client ? 0 : RUN_HEADER;
      const piece = fit(struct, offset, budget - used - header);
      if (piece === null && current.length > 0) {
        chunks.push(current);
        current = [];
        used = 0;
        continue;
      }
      const end = piece ? piece.end : struct.length; // alone and still too big: sent, and refused
      current.push({ struct, offset, end });
      used += (piece ? piece.size : budget) + header;
      offset = end;
    }
  }
  const dsBytes = encodeChunk([], ds).byteLength;
  if (current.length > 0 && used + dsBytes <= budget) {
    chunks.push(current);
    return chunks.map((parts, i) => encodeChunk(parts, i === chunks.length - 1 ? ds : null));
  }
  if (current.length > 0) chunks.push(current);
  const parts = chunks.map((run) => encodeChunk(run, null));
  return ds.clients.size > 0 ? [...parts, encodeChunk([], ds)] : parts;
}
