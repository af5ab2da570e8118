import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import * as protocol from "./protocol";

function docWith(text: string, clientID?: number): Y.Doc {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  doc.getText("t").insert(0, text);
  return doc;
}

/** Run the y-protocols handshake between two docs with nothing but the encoded messages. */
function syncThroughMessages(a: Y.Doc, b: Y.Doc): void {
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    const step1 = protocol.parse(protocol.syncStep1(to));
    if (step1.kind !== "step1") throw new Error("not a step 1");
    const step2 = protocol.parse(protocol.syncStep2Message(Y.encodeStateAsUpdate(from, step1.stateVector)));
    if (step2.kind !== "step2") throw new Error("not a step 2");
    Y.applyUpdate(to, step2.update);
  }
}

describe("messages", () => {
  it("encode what docs/protocol.md says: [0, 0, sv], [0, 1, update], [0, 2, update], [1, awareness]", () => {
    const doc = docWith("abc");
    expect([...protocol.syncStep1(doc).slice(0, 2)]).toEqual([0, 0]);
    expect([...protocol.syncStep2Message(Y.encodeStateAsUpdate(doc, new Uint8Array([0]))).slice(0, 2)]).toEqual([0, 1]);
    expect([...protocol.updateMessage(Y.encodeStateAsUpdate(doc)).slice(0, 2)]).toEqual([0, 2]);
    const awareness = new awarenessProtocol.Awareness(doc);
    expect(protocol.awarenessMessage(awareness, [doc.clientID])[0]).toBe(1);
    awareness.destroy();
  });

  it("bring two documents edited apart to the same state through step 1 and step 2", () => {
    const a = docWith("Bonjour", 1);
    const b = docWith("Salut", 2);
    syncThroughMessages(a, b);
    expect(a.getText("t").toJSON()).toBe(b.getText("t").toJSON());
    expect(a.getText("t").toJSON()).toContain("Bonjour");
    expect(a.getText("t").toJSON()).toContain("Salut");
    expect(protocol.hasStructsBeyond(a, Y.encodeStateVector(b))).toBe(false);
    expect(protocol.hasStructsBeyond(b, Y.encodeStateVector(a))).toBe(false);
  });

  it("carry a live update that the other side applies", () => {
    const a = docWith("", 1);
    const b = new Y.Doc();
    const sent: Uint8Array[] = [];
    a.on("update", (update: Uint8Array) => sent.push(protocol.updateMessage(update)));
    a.getText("t").insert(0, "jardin partagé");
    for (const bytes of sent) {
      const incoming = protocol.parse(bytes);
      expect(incoming.kind).toBe("update");
      if (incoming.kind === "update") Y.applyUpdate(b, incoming.update);
    }
    expect(b.getText("t").toJSON()).toBe("jardin partagé");
  });

  it("step 2 against an empty state vector carries everything", () => {
    const a = docWith("tout", 1);
    const incoming = protocol.parse(protocol.syncStep2Message(Y.encodeStateAsUpdate(a, Y.encodeStateVector(new Y.Doc()))));
    const b = new Y.Doc();
    if (incoming.kind !== "step2") throw new Error("not a step 2");
    Y.applyUpdate(b, incoming.update);
    expect(b.getText("t").toJSON()).toBe("tout");
  });

  it("carry presence to another awareness", () => {
    const a = new awarenessProtocol.Awareness(new Y.Doc());
    const b = new awarenessProtocol.Awareness(new Y.Doc());
    a.setLocalStateField("user", { id: 7, name: "Léa" });
    const incoming = protocol.parse(protocol.awarenessMessage(a, [a.clientID]));
    if (incoming.kind !== "awareness") throw new Error("not awareness");
    awarenessProtocol.applyAwarenessUpdate(b, incoming.update, "test");
    expect(b.getStates().get(a.clientID)).toEqual({ user: { id: 7, name: "Léa" } });
    a.destroy();
    b.destroy();
  });

  it("read a truncated, empty or unknown message as unknown", () => {
    const full = protocol.syncStep1(docWith("abc"));
    expect(protocol.parse(full.slice(0, 2)).kind).toBe("unknown");
    expect(protocol.parse(new Uint8Array()).kind).toBe("unknown");
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, 9); // no such sync sub-type
    encoding.writeVarUint8Array(encoder, new Uint8Array([1, 2]));
    expect(protocol.parse(encoding.toUint8Array(encoder)).kind).toBe("unknown");
    expect(protocol.parse(new Uint8Array([5, 0])).kind).toBe("unknown");
  });
});

describe("what the server lacks", () => {
  it("new structs are beyond a state vector until it has them", () => {
    const a = docWith("un", 1);
    const b = new Y.Doc();
    expect(protocol.hasStructsBeyond(a, Y.encodeStateVector(b))).toBe(true);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(protocol.hasStructsBeyond(a, Y.encodeStateVector(b))).toBe(false);
    a.getText("t").insert(2, " deux");
    expect(protocol.hasStructsBeyond(a, Y.encodeStateVector(b))).toBe(true);
  });

  it("a deletion adds no struct, but is beyond a delete set that does not cover it", () => {
    const a = docWith("Bonjour tout le monde", 1);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const before = Y.encodeStateVector(a);
    a.getText("t").delete(7, 14);
    expect(Y.encodeStateVector(a)).toEqual(before);
    expect(protocol.hasStructsBeyond(a, Y.encodeStateVector(b))).toBe(false);
    // The server's step 2 carries its whole delete set.
    const theirs = () => protocol.deleteSetOf(Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
    expect(protocol.hasDeletionsBeyond(a, theirs())).toBe(true);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(b.getText("t").toJSON()).toBe("Bonjour");
    expect(protocol.hasDeletionsBeyond(a, theirs())).toBe(false);
  });

  it("a deletion covered by the union of several ranges is not beyond them", () => {
    const a = docWith("abcdefghij", 1);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    // b deletes in two separate steps, a in one: b's delete set has two ranges covering a's one.
    b.getText("t").delete(2, 2); // cd
    b.getText("t").delete(2, 3); // efg
    a.getText("t").delete(2, 5); // cdefg
    const theirs = protocol.deleteSetOf(Y.encodeStateAsUpdate(b));
    expect(protocol.hasDeletionsBeyond(a, theirs)).toBe(false);
    a.getText("t").delete(0, 1); // a: not covered
    expect(protocol.hasDeletionsBeyond(a, theirs)).toBe(true);
  });
});

describe("toBytes", () => {
  it("takes typed arrays, ArrayBuffers and views at an offset, and nothing else", () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    expect(protocol.toBytes(bytes)).toBe(bytes);
    expect([...(protocol.toBytes(bytes.buffer) ?? [])]).toEqual([1, 2, 3, 4]);
    expect([...(protocol.toBytes(new DataView(bytes.buffer, 1, 2)) ?? [])]).toEqual([2, 3]);
    expect(protocol.toBytes("0102")).toBeNull();
    expect(protocol.toBytes([1, 2])).toBeNull();
    expect(protocol.toBytes(null)).toBeNull();
  });
});
