// A commented passage is stored as two Yjs relative positions (base64 of
// Y.encodeRelativePosition): they keep pointing at the same characters while
// others write around them.

import type { Editor } from "@tiptap/core";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import { fromBase64, toBase64 } from "lib0/buffer";
import * as Y from "yjs";
import type { Anchor } from "../../../api/types";

/** The server keeps at most 500 characters of a quote. */
export const MAX_QUOTE = 500;

interface SyncState {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding: { mapping: Map<Y.AbstractType<unknown>, unknown> };
}

function syncState(editor: Editor): SyncState | null {
  const state = ySyncPluginKey.getState(editor.state) as Partial<SyncState> | undefined;
  if (!state || !state.doc || !state.type || !state.binding) return null;
  return state as SyncState;
}

export interface Passage {
  anchor: Anchor;
  quote: string;
}

/** The editor's current selection as a passage, or null when nothing is selected. */
export function selectedPassage(editor: Editor): Passage | null {
  const { from, to, empty } = editor.state.selection;
  const sync = syncState(editor);
  if (empty || !sync) return null;
  const quote = editor.state.doc.textBetween(from, to, " ").replace(/\s+/g, " ").trim();
  if (!quote) return null;
  const encode = (pos: number) =>
    toBase64(
      Y.encodeRelativePosition(
        absolutePositionToRelativePosition(pos, sync.type, sync.binding.mapping as never) as Y.RelativePosition,
      ),
    );
  return {
    anchor: { start: encode(from), end: encode(to) },
    quote: quote.length > MAX_QUOTE ? `${quote.slice(0, MAX_QUOTE - 1)}…` : quote,
  };
}

/** Where the passage is now, or null when it no longer exists (deleted, or not in this editor). */
export function resolvePassage(editor: Editor, anchor: Anchor): { from: number; to: number } | null {
  const sync = syncState(editor);
  if (!sync) return null;
  try {
    const resolve = (value: string) =>
      relativePositionToAbsolutePosition(sync.doc, sync.type, Y.decodeRelativePosition(fromBase64(value)), sync.binding.mapping as never);
    const from = resolve(anchor.start);
    const to = resolve(anchor.end);
    if (from === null || to === null || from >= to) return null;
    const size = editor.state.doc.content.size;
    return { from: Math.max(0, Math.min(from, size)), to: Math.max(0, Math.min(to, size)) };
  } catch {
    return null;
  }
}
