// The live answer to one question: a TipTap editor on the question's fragment
// of the document's Y.Doc, its formatting toolbar, a character counter against
// the soft limit, and the question's comments.

import type { Editor } from "@tiptap/core";
import { EditorContent, useEditor, useEditorState } from "@tiptap/react";
// ProseMirror's own editor styles (@tiptap/pm's dependencies), as a stylesheet: TipTap would
// otherwise inject them as an inline <style>, which the server's Content-Security-Policy refuses.
import "prosemirror-view/style/prosemirror.css";
import "prosemirror-gapcursor/style/gapcursor.css";
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import type { LiveDocument } from "../../../live/LiveDocument";
import { useStoreValue } from "../../../live/hooks";
import { useLocale } from "../../../i18n/format";
import { selectedPassage, type Passage } from "./anchors";
import { WrittenBy } from "./WrittenBy";
import { Comments } from "./Comments";
import { answerExtensions, isSafeHref } from "./extensions";

interface ToolState {
  bold: boolean;
  italic: boolean;
  bulletList: boolean;
  orderedList: boolean;
  heading: boolean;
  link: boolean;
  characters: number;
}

const EMPTY_TOOLS: ToolState = {
  bold: false,
  italic: false,
  bulletList: false,
  orderedList: false,
  heading: false,
  link: false,
  characters: 0,
};

type ToolKey = Exclude<keyof ToolState, "characters">;

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

/** What each button shows (its name is its aria-label). */
const GLYPHS: Record<ToolKey, ReactNode> = {
  bold: "B",
  italic: "I",
  bulletList: (
    <Icon>
      <circle cx="4.5" cy="6" r="1.2" fill="currentColor" />
      <circle cx="4.5" cy="12" r="1.2" fill="currentColor" />
      <circle cx="4.5" cy="18" r="1.2" fill="currentColor" />
      <path d="M9 6h11M9 12h11M9 18h11" />
    </Icon>
  ),
  orderedList: (
    <Icon>
      <path d="M4 4.5h1.5v4M3.8 8.5h3" strokeWidth="1.5" />
      <path d="M3.8 14.2c.4-.8 2.9-1 2.9.5 0 1.2-2.9 2.2-2.9 3.6h3" strokeWidth="1.5" />
      <path d="M10 6.5h10M10 12h10M10 17.5h10" />
    </Icon>
  ),
  heading: "T",
  link: (
    <Icon>
      <path d="M10 13.5a4 4 0 0 0 5.7.3l2.8-2.8a4 4 0 0 0-5.7-5.7l-1.3 1.3" />
      <path d="M14 10.5a4 4 0 0 0-5.7-.3l-2.8 2.8a4 4 0 0 0 5.7 5.7l1.3-1.3" />
    </Icon>
  ),
};

/** A typed address made usable: "www.x.fr" → "https://www.x.fr", "a@b.fr" → "mailto:a@b.fr". */
export function normalizeHref(input: string): string | null {
  let href = input.trim();
  if (!href) return null;
  if (/^[^\s@/:]+@[^\s@/]+\.[^\s@/]+$/.test(href)) href = `mailto:${href}`;
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(href)) href = `https://${href}`;
  if (!isSafeHref(href)) return null;
  try {
    const url = new URL(href);
    if (url.protocol !== "mailto:" && !url.hostname.includes(".") && url.hostname !== "localhost") return null;
  } catch {
    return null;
  }
  return href;
}

function Toolbar({
  editor,
  tools,
  label,
  editorId,
  linkOpen,
  onLink,
}: {
  editor: Editor;
  tools: ToolState;
  label: string;
  editorId: string;
  linkOpen: boolean;
  onLink: () => void;
}) {
  const { t } = useLocale();
  const [current, setCurrent] = useState(0);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);

  const buttons: { key: ToolKey; run: () => void; pressed: boolean; expanded?: boolean }[] = [
    { key: "bold", run: () => editor.chain().focus().toggleBold().run(), pressed: tools.bold },
    { key: "italic", run: () => editor.chain().focus().toggleItalic().run(), pressed: tools.italic },
    { key: "bulletList", run: () => editor.chain().focus().toggleBulletList().run(), pressed: tools.bulletList },
    { key: "orderedList", run: () => editor.chain().focus().toggleOrderedList().run(), pressed: tools.orderedList },
    { key: "heading", run: () => editor.chain().focus().toggleHeading({ level: 3 }).run(), pressed: tools.heading },
    { key: "link", run: onLink, pressed: tools.link, expanded: linkOpen },
  ];

  // Toolbar pattern: one tab stop, arrows move between the buttons.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    let next: number | null = null;
    if (event.key === "ArrowRight") next = (current + 1) % buttons.length;
    else if (event.key === "ArrowLeft") next = (current - 1 + buttons.length) % buttons.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = buttons.length - 1;
    if (next === null) return;
    event.preventDefault();
    setCurrent(next);
    refs.current[next]?.focus();
  };

  return (
    <div role="toolbar" aria-label={t("live.editor.toolbar", { label })} aria-controls={editorId} className="toolbar" onKeyDown={onKeyDown}>
      {buttons.map((button, index) => {
        const name = t(`live.editor.${button.key}`);
        return (
          <button
            key={button.key}
            ref={(element) => {
              refs.current[index] = element;
            }}
            type="button"
            className={`toolbar__button toolbar__button--${button.key}`}
            tabIndex={index === current ? 0 : -1}
            aria-label={name}
            title={name}
            aria-pressed={button.pressed}
            aria-expanded={button.expanded}
            // Keep the editor's selection: the command refocuses it.
            onMouseDown={(event) => event.preventDefault()}
            onFocus={() => setCurrent(index)}
            onClick={button.run}
          >
            <span className="toolbar__glyph" aria-hidden="true">
              {GLYPHS[button.key]}
            </span>
          </button>
        );
      })}
    </div>
  );
}

function LinkForm({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const { t } = useLocale();
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const current = (editor.getAttributes("link").href as string | undefined) ?? "";
  const [value, setValue] = useState(current);
  const [invalid, setInvalid] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
  }, []);

  const close = () => {
    onClose();
    editor.commands.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const href = normalizeHref(value);
    if (!href) {
      setInvalid(true);
      input.current?.focus();
      return;
    }
    const chain = editor.chain().focus().extendMarkRange("link");
    if (editor.state.selection.empty && !editor.isActive("link")) {
      chain.insertContent({ type: "text", text: href, marks: [{ type: "link", attrs: { href } }] }).run();
    } else {
      chain.setLink({ href }).run();
    }
    onClose();
  };

  const remove = () => {
    editor.chain().focus().extendMarkRange("link").unsetLink().run();
    onClose();
  };

  return (
    <form
      className="link-form"
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          close();
        }
      }}
      noValidate
    >
      <div className={`field${invalid ? " field--invalid" : ""}`}>
        <label htmlFor={inputId}>{t("live.editor.linkLabel")}</label>
        <p className="hint" id={hintId}>
          {t("live.editor.linkHint")}
        </p>
        <input
          ref={input}
          id={inputId}
          type="url"
          inputMode="url"
          autoComplete="url"
          value={value}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? `${hintId} ${errorId}` : hintId}
          onChange={(event) => {
            setValue(event.target.value);
            setInvalid(false);
          }}
        />
        {invalid ? (
          <p className="field-error" id={errorId} role="alert">
            {t("live.editor.linkInvalid")}
          </p>
        ) : null}
      </div>
      <div className="button-row">
        <button type="submit" className="button button--small">
          {t("live.editor.linkApply")}
        </button>
        {current ? (
          <button type="button" className="button button--small button--secondary" onClick={remove}>
            {t("live.editor.linkRemove")}
          </button>
        ) : null}
        <button type="button" className="button button--small button--secondary" onClick={close}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

function Counter({ id, characters, softLimit }: { id: string; characters: number; softLimit: number | null }) {
  const { t, lang } = useLocale();
  const format = new Intl.NumberFormat(lang === "en" ? "en-GB" : "fr-FR");
  if (!softLimit) {
    return (
      <p id={id} className="counter">
        {t("live.editor.counterPlain", { count: characters, n: format.format(characters) })}
      </p>
    );
  }
  const over = characters > softLimit;
  return (
    <p id={id} className={`counter${over ? " counter--over" : ""}`}>
      {t("live.editor.counter", { count: format.format(characters), limit: format.format(softLimit) })}
      {over ? <span className="counter__warning"> — {t("live.editor.overLimit")}</span> : null}
    </p>
  );
}

export interface AnswerEditorProps {
  live: LiveDocument;
  /** The question key: the TipTap `field`, the Yjs fragment's name. */
  field: string;
  /** The question's label (for the toolbar's name) and the id of the element that shows it (the editor's name). */
  label: string;
  labelId: string;
  softLimit: number | null;
  readOnlyNoteId: string;
  canComment: boolean;
}

export function AnswerEditor({ live, field, label, labelId, softLimit, readOnlyNoteId, canComment }: AnswerEditorProps) {
  const { t } = useLocale();
  // Not the whole status: it changes with every keystroke's acknowledgement.
  const readOnly = useStoreValue(live.status, (status) => status.readOnly !== false);
  const editorId = useId().replace(/:/g, "");
  const counterId = useId();
  const selectHintId = useId();
  const readOnlyRef = useRef(readOnly);
  readOnlyRef.current = readOnly;
  const [linkOpen, setLinkOpen] = useState(false);
  const [commentsOpen, setCommentsOpen] = useState(false);
  const [passage, setPassage] = useState<Passage | null>(null);
  const [selectHint, setSelectHint] = useState(false);
  const commentBox = useRef<HTMLTextAreaElement>(null);

  const editor = useEditor(
    {
      extensions: answerExtensions(live, field),
      injectCSS: false, // see the stylesheets imported above
      editable: !readOnly,
      immediatelyRender: true,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: () => ({
          id: editorId,
          role: "textbox",
          "aria-multiline": "true",
          "aria-labelledby": labelId,
          "aria-describedby": readOnlyRef.current ? `${readOnlyNoteId} ${counterId}` : counterId,
          "aria-readonly": String(readOnlyRef.current),
          // Reachable from the keyboard when read-only too (to read and select).
          tabindex: "0",
          class: "answer-editor__content",
          spellcheck: "true",
          // The dossier is written in French, whatever the interface language.
          lang: "fr",
        }),
        // The sticky status bar must not hide the caret.
        scrollMargin: { top: 80, bottom: 40, left: 0, right: 0 },
        scrollThreshold: { top: 80, bottom: 40, left: 0, right: 0 },
      },
    },
    [live, field],
  );

  useEffect(() => {
    if (editor && editor.isEditable === readOnly) editor.setEditable(!readOnly, false);
    if (readOnly) setLinkOpen(false);
  }, [editor, readOnly]);

  const tools =
    useEditorState({
      editor,
      selector: ({ editor: current }): ToolState | null =>
        current
          ? {
              bold: current.isActive("bold"),
              italic: current.isActive("italic"),
              bulletList: current.isActive("bulletList"),
              orderedList: current.isActive("orderedList"),
              heading: current.isActive("heading", { level: 3 }),
              link: current.isActive("link"),
              characters: current.state.doc.textContent.length,
            }
          : null,
    }) ?? EMPTY_TOOLS;

  const commentSelection = () => {
    if (!editor) return;
    const selected = selectedPassage(editor);
    if (!selected) {
      setSelectHint(true);
      return;
    }
    setSelectHint(false);
    setPassage(selected);
    setCommentsOpen(true);
    // Once the panel is shown.
    requestAnimationFrame(() => commentBox.current?.focus());
  };

  return (
    <div className={`answer${readOnly ? " answer--readonly" : ""}`}>
      {readOnly ? <p className="answer__tag">{t("live.readOnly.tag")}</p> : null}
      {editor && !readOnly ? (
        <Toolbar editor={editor} tools={tools} label={label} editorId={editorId} linkOpen={linkOpen} onLink={() => setLinkOpen((open) => !open)} />
      ) : null}
      {editor && linkOpen && !readOnly ? <LinkForm editor={editor} onClose={() => setLinkOpen(false)} /> : null}
      <EditorContent editor={editor} className="answer-editor" />
      <div className="answer__footer">
        <Counter id={counterId} characters={tools.characters} softLimit={softLimit} />
        {canComment ? (
          <button
            type="button"
            className="button button--small button--secondary"
            onMouseDown={(event) => event.preventDefault()}
            onClick={commentSelection}
            aria-describedby={selectHint ? selectHintId : undefined}
          >
            {t("live.editor.commentSelection")}
          </button>
        ) : null}
      </div>
      <WrittenBy live={live} field={field} />
      <p id={selectHintId} className="hint" aria-live="polite">
        {selectHint ? t("live.editor.selectFirst") : ""}
      </p>
      <Comments
        live={live}
        question={field}
        editor={editor}
        open={commentsOpen}
        onToggle={() => setCommentsOpen((open) => !open)}
        passage={passage}
        onDropPassage={() => setPassage(null)}
        onPosted={() => setPassage(null)}
        canComment={canComment}
        commentBox={commentBox}
      />
    </div>
  );
}
