// The TipTap extensions of an answer editor, bound to the action's (or the
// storyboard's) Y.Doc: one XmlFragment per question, named by its key.

import { Extension, type AnyExtension } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import Link from "@tiptap/extension-link";
import { ListItem, ListKeymap } from "@tiptap/extension-list";
import { Plugin, PluginKey, type EditorState } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import StarterKit from "@tiptap/starter-kit";
import type { LiveDocument } from "../../../live/LiveDocument";
import { PRESENCE_COLORS } from "../../../live/colors";

/** Only web and e-mail links, as the server keeps only these when it renders answers. */
export function isSafeHref(href: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(href.trim());
}

/**
 * List items without the Tab / Shift-Tab bindings: Tab always moves the focus
 * out of the editor (no keyboard trap); nesting lists is not needed here.
 */
const PlainListItem = ListItem.extend({
  addKeyboardShortcuts() {
    return { Enter: () => this.editor.commands.splitListItem(this.name) };
  },
});

const PlainListKeymap = ListKeymap.extend({
  addKeyboardShortcuts() {
    const inherited = { ...(this.parent?.() ?? {}) };
    delete inherited.Tab;
    return inherited;
  },
});

// --- the passage of a comment thread, highlighted on demand ---------------------

/** Set `tr.setMeta(passageKey, {from, to})` to highlight a passage, `null` to clear; it follows later edits. */
export const passageKey = new PluginKey<DecorationSet>("codossierPassage");

const PassageHighlight = Extension.create({
  name: "passageHighlight",
  addProseMirrorPlugins() {
    return [
      new Plugin<DecorationSet>({
        key: passageKey,
        state: {
          init: () => DecorationSet.empty,
          apply(tr, previous, _old, state: EditorState) {
            const meta = tr.getMeta(passageKey) as { from: number; to: number } | null | undefined;
            if (meta === null) return DecorationSet.empty;
            if (meta) {
              return DecorationSet.create(state.doc, [Decoration.inline(meta.from, meta.to, { class: "passage-highlight" })]);
            }
            return tr.docChanged ? previous.map(tr.mapping, tr.doc) : previous;
          },
        },
        props: {
          decorations: (state) => passageKey.getState(state),
        },
      }),
    ];
  },
});

/** The index of ``color`` in PRESENCE_COLORS, slate (the last) for any other value. */
function selectionShade(color: unknown): number {
  const index = PRESENCE_COLORS.indexOf(color as (typeof PRESENCE_COLORS)[number]);
  return index < 0 ? PRESENCE_COLORS.length - 1 : index;
}

function caret(user: Record<string, unknown>): HTMLElement {
  const color = typeof user.color === "string" ? user.color : "#374151";
  const cursor = document.createElement("span");
  cursor.className = "collab-caret";
  cursor.style.borderColor = color;
  // The caret and its name are for the eyes: the presence list says the same
  // to screen readers, which would otherwise read names inside the text.
  cursor.setAttribute("aria-hidden", "true");
  const label = document.createElement("span");
  label.className = "collab-caret__label";
  label.style.backgroundColor = color;
  label.textContent = typeof user.name === "string" ? user.name : "";
  cursor.append(label);
  return cursor;
}

export function answerExtensions(live: LiveDocument, field: string): AnyExtension[] {
  return [
    StarterKit.configure({
      undoRedo: false, // Collaboration brings a Yjs-aware undo
      link: false, // configured below
      listItem: false,
      listKeymap: false,
      heading: { levels: [3] },
      // Each client would add its own empty paragraph at the end of the shared text.
      trailingNode: false,
      // Not for a grant dossier's prose (and typed by accident with "```" or "---").
      code: false,
      codeBlock: false,
      horizontalRule: false,
    }),
    PlainListItem,
    PlainListKeymap,
    Link.configure({
      openOnClick: false,
      autolink: true,
      linkOnPaste: true,
      defaultProtocol: "https",
      protocols: ["mailto"],
      isAllowedUri: (url) => isSafeHref(url),
      HTMLAttributes: { rel: "noopener noreferrer nofollow", target: null },
    }),
    Collaboration.configure({ document: live.doc, field }),
    CollaborationCaret.configure({
      provider: { awareness: live.awareness },
      user: live.user,
      render: caret,
      // A class per presence colour, not a style attribute: the Content-Security-Policy refuses inline styles.
      selectionRender: (user: Record<string, unknown>) => ({
        class: `collab-selection collab-selection--${selectionShade(user.color)}`,
      }),
    }),
    PassageHighlight,
  ];
}
