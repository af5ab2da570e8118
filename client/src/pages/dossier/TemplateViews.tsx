// The form templates with their live answers: the Annexe B questions of each
// action (behind a keyboard-usable action picker, one live document per
// action) and the storyboard séquences (one live document).

import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { useSearchParams } from "react-router";
import * as api from "../../api/client";
import type { Action, FormTemplate, Question, Role, TemplateRef } from "../../api/types";
import { Heading, HeadingDisclosure, Paragraphs, Reveal, type HeadingLevel } from "../../components/Disclosure";
import { ErrorAlert } from "../../components/forms";
import { useLocale } from "../../i18n/format";
import { useLiveDocument } from "../../live/hooks";
import type { LiveDocument } from "../../live/LiveDocument";
import { AnswerEditor } from "./live/AnswerEditor";
import { mayComment, readOnlyReasonKey, useDossierLive } from "./live/context";
import { LiveBar } from "./live/LiveBar";

function useTemplate(ref: TemplateRef) {
  const [template, setTemplate] = useState<FormTemplate | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    setError(null);
    api
      .getTemplate(ref.id, ref.version)
      .then((value) => {
        if (!cancelled) setTemplate(value);
      })
      .catch((reason: unknown) => {
        if (!cancelled) setError(reason);
      });
    return () => {
      cancelled = true;
    };
  }, [ref.id, ref.version, attempt]);
  return { template, error, retry: () => setAttempt((n) => n + 1) };
}

function TemplateError({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = useLocale();
  return (
    <ErrorAlert message={`${t("dossier.templateError")} ${api.errorMessage(error)}`}>
      <button type="button" className="button button--secondary" onClick={retry}>
        {t("common.retry")}
      </button>
    </ErrorAlert>
  );
}

/** The status, presence and read-only note of a live document. */
function DocumentBar({ live, readOnlyNoteId }: { live: LiveDocument | null; readOnlyNoteId: string }) {
  const { t } = useLocale();
  const context = useDossierLive();
  if (!live || !context) return null;
  return <LiveBar live={live} readOnlyNoteId={readOnlyNoteId} readOnlyNote={t(readOnlyReasonKey(context.dossier))} />;
}

/** The live answer to a question (its editor and comments). */
function LiveAnswer({ live, question, labelId, readOnlyNoteId }: { live: LiveDocument | null; question: Question; labelId: string; readOnlyNoteId: string }) {
  const { t, text } = useLocale();
  const context = useDossierLive();
  if (!live || !context) {
    return (
      <p className="answer-loading" aria-busy="true">
        {t("live.editor.loading")}
      </p>
    );
  }
  return (
    <AnswerEditor
      live={live}
      field={question.key}
      label={text(question.label)}
      labelId={labelId}
      softLimit={question.soft_limit}
      readOnlyNoteId={readOnlyNoteId}
      canComment={mayComment(context.dossier)}
    />
  );
}

/**
 * The funder's wording and the easy one, in the order that suits the reader's
 * role: the one read first is shown, the other behind a "see" toggle.
 */
function Wordings({ funder, easy, easyFirst }: { funder: ReactNode; easy: string; easyFirst: boolean }) {
  const { t } = useLocale();
  if (easyFirst) {
    return (
      <>
        <div className="wording wording--easy">
          <Paragraphs text={easy} />
        </div>
        <Reveal label={t("dossier.showFunderWording")}>{funder}</Reveal>
      </>
    );
  }
  return (
    <>
      {funder}
      <Reveal label={t("dossier.showEasyWording")}>
        <div className="wording wording--easy">
          <p className="wording__label">{t("dossier.easyWording")}</p>
          <Paragraphs text={easy} />
        </div>
      </Reveal>
    </>
  );
}

/** The funder's wording of an Annexe B question. */
function FunderWording({ wording }: { wording: string }) {
  const { t } = useLocale();
  return (
    <div className="wording wording--funder">
      <p className="wording__label">{t("dossier.funderWording")}</p>
      <Paragraphs text={wording} />
    </div>
  );
}

/** Which sections are collapsed (none at first): toggle one, or all at once. */
function useCollapsedSections(sections: readonly { key: string }[]) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const allCollapsed = collapsed.size === sections.length;
  const toggle = (key: string) =>
    setCollapsed((previous) => {
      const next = new Set(previous);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const toggleAll = () => setCollapsed(allCollapsed ? new Set() : new Set(sections.map((s) => s.key)));
  return { isOpen: (key: string) => !collapsed.has(key), toggle, allCollapsed, toggleAll };
}

function ToggleAllButton({ allCollapsed, onClick }: { allCollapsed: boolean; onClick: () => void }) {
  const { t } = useLocale();
  return (
    <button type="button" className="button button--small button--secondary" onClick={onClick}>
      {allCollapsed ? t("dossier.expandAll") : t("dossier.collapseAll")}
    </button>
  );
}

function QuestionMeta({ question }: { question: Question }) {
  const { t, lang } = useLocale();
  if (!question.required && !question.soft_limit) return null;
  const limit = question.soft_limit ? new Intl.NumberFormat(lang === "en" ? "en-GB" : "fr-FR").format(question.soft_limit) : null;
  return (
    <p className="question__meta">
      {question.required ? <span className="required-mark">{t("dossier.required")}</span> : null}
      {limit ? <span className="soft-limit">{t("dossier.softLimit", { limit })}</span> : null}
    </p>
  );
}

function AnnexeQuestion({
  question,
  level,
  easyFirst,
  live,
  readOnlyNoteId,
}: {
  question: Question;
  level: HeadingLevel;
  easyFirst: boolean;
  live: LiveDocument | null;
  readOnlyNoteId: string;
}) {
  const { text } = useLocale();
  const headingId = useId();
  return (
    <article className="question" aria-labelledby={headingId}>
      <Heading level={level} className="question__label" id={headingId}>
        {text(question.label)}
      </Heading>
      <QuestionMeta question={question} />
      <Wordings funder={<FunderWording wording={text(question.wording)} />} easy={text(question.easy)} easyFirst={easyFirst} />
      <LiveAnswer live={live} question={question} labelId={headingId} readOnlyNoteId={readOnlyNoteId} />
    </article>
  );
}

function ActionPanel({ template, action, easyFirst }: { template: FormTemplate; action: Action; easyFirst: boolean }) {
  const { t, text } = useLocale();
  const { isOpen, toggle, allCollapsed, toggleAll } = useCollapsedSections(template.sections);
  const titleHeadingId = useId();
  const live = useLiveDocument(`action-${action.id}`);
  const readOnlyNoteId = useId();

  return (
    <>
      <div className="panel-header">
        <h3>{t("dossier.actionPanelHeading", { position: action.position, title: action.title })}</h3>
        <ToggleAllButton allCollapsed={allCollapsed} onClick={toggleAll} />
      </div>
      <DocumentBar live={live} readOnlyNoteId={readOnlyNoteId} />
      {template.title_field ? (
        <article className="question question--title" aria-labelledby={titleHeadingId}>
          <h4 className="question__label" id={titleHeadingId}>
            {text(template.title_field.label)}
          </h4>
          <p className="title-value">{t("dossier.titleFieldValue", { title: action.title })}</p>
          <Wordings funder={<FunderWording wording={text(template.title_field.wording)} />} easy={text(template.title_field.easy)} easyFirst={easyFirst} />
        </article>
      ) : null}
      {template.sections.map((section) => (
        <HeadingDisclosure
          key={section.key}
          level={4}
          title={text(section.title)}
          open={isOpen(section.key)}
          onToggle={() => toggle(section.key)}
          className="form-section"
        >
          {section.wording ? (
            <div className="section-wording">
              <Paragraphs text={text(section.wording)} />
            </div>
          ) : null}
          {section.questions.map((question) => (
            <AnnexeQuestion
              key={question.key}
              question={question}
              level={5}
              easyFirst={easyFirst}
              live={live}
              readOnlyNoteId={readOnlyNoteId}
            />
          ))}
        </HeadingDisclosure>
      ))}
    </>
  );
}

/** Tabs (WAI-ARIA pattern, roving tabindex, arrows/Home/End) to pick the action shown. */
function ActionTabs({
  actions,
  selectedId,
  onSelect,
  idPrefix,
}: {
  actions: Action[];
  selectedId: number;
  onSelect: (id: number) => void;
  idPrefix: string;
}) {
  const { t } = useLocale();
  const refs = useRef(new Map<number, HTMLButtonElement>());

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let target: number | null = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") target = (index + 1) % actions.length;
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") target = (index - 1 + actions.length) % actions.length;
    else if (event.key === "Home") target = 0;
    else if (event.key === "End") target = actions.length - 1;
    if (target === null) return;
    event.preventDefault();
    const action = actions[target];
    if (!action) return;
    onSelect(action.id);
    refs.current.get(action.id)?.focus();
  };

  return (
    <div role="tablist" aria-label={t("dossier.actionPicker")} className="tabs">
      {actions.map((action, index) => {
        const selected = action.id === selectedId;
        return (
          <button
            key={action.id}
            ref={(element) => {
              if (element) refs.current.set(action.id, element);
              else refs.current.delete(action.id);
            }}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${action.id}`}
            aria-selected={selected}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={selected ? 0 : -1}
            className="tab"
            onClick={() => onSelect(action.id)}
            onKeyDown={(event) => onKeyDown(event, index)}
          >
            {t("dossier.actionTab", { position: action.position, title: action.title })}
          </button>
        );
      })}
    </div>
  );
}

export function AnnexeForms({ templateRef, actions, role }: { templateRef: TemplateRef; actions: Action[]; role: Role }) {
  const { t, text } = useLocale();
  const { template, error, retry } = useTemplate(templateRef);
  const [params, setParams] = useSearchParams();
  const idPrefix = useId().replace(/:/g, "");
  const [introOpen, setIntroOpen] = useState(false);
  const introId = useId();

  const requested = Number(params.get("action"));
  const selected = actions.find((action) => action.id === requested) ?? actions[0];
  const select = (id: number) => {
    const next = new URLSearchParams(params);
    next.set("action", String(id));
    setParams(next, { replace: true, preventScrollReset: true });
  };

  if (error) return <TemplateError error={error} retry={retry} />;
  if (!template) return <p aria-busy="true">{t("app.loading")}</p>;

  return (
    <>
      <p className="template-title">
        {text(template.title)}
        {template.subtitle ? <span className="template-subtitle"> — {text(template.subtitle)}</span> : null}
      </p>
      {template.intro.length ? (
        <div className="intro">
          <button type="button" className="reveal__toggle" aria-expanded={introOpen} aria-controls={introId} onClick={() => setIntroOpen((v) => !v)}>
            <span className="disclosure__icon" aria-hidden="true">
              {introOpen ? "▾" : "▸"}
            </span>
            {t("dossier.formIntroToggle")}
          </button>
          <div id={introId} className="intro__content" hidden={!introOpen}>
            {template.intro.map((paragraph, index) => (
              <Paragraphs key={index} text={text(paragraph)} />
            ))}
          </div>
        </div>
      ) : null}
      {selected ? (
        <>
          <ActionTabs actions={actions} selectedId={selected.id} onSelect={select} idPrefix={idPrefix} />
          <div
            role="tabpanel"
            id={`${idPrefix}-panel`}
            aria-labelledby={`${idPrefix}-tab-${selected.id}`}
            tabIndex={0}
            className="tabpanel"
          >
            <ActionPanel key={selected.id} template={template} action={selected} easyFirst={role === "beneficiary"} />
          </div>
        </>
      ) : (
        <p className="empty">{t("dossier.noActions")}</p>
      )}
    </>
  );
}

/** The guiding questions of a séquence, one per line, as a list. */
function GuidingQuestions({ wording, labelled = true }: { wording: string; labelled?: boolean }) {
  const { t } = useLocale();
  const lines = wording
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    <div className="sequence__block">
      {labelled ? <p className="wording__label">{t("dossier.guidingQuestions")}</p> : null}
      <ul className="guiding-questions">
        {lines.map((line, index) => (
          <li key={index}>{line}</li>
        ))}
      </ul>
    </div>
  );
}

function SequenceQuestion({
  question,
  level,
  showLabel,
  easyFirst,
  live,
  sectionHeadingId,
  readOnlyNoteId,
}: {
  question: Question;
  level: HeadingLevel;
  showLabel: boolean;
  easyFirst: boolean;
  live: LiveDocument | null;
  sectionHeadingId: string;
  readOnlyNoteId: string;
}) {
  const { t, text } = useLocale();
  const headingId = useId();
  return (
    <div className="sequence__question">
      {showLabel ? (
        <Heading level={level} className="question__label" id={headingId}>
          {text(question.label)}
        </Heading>
      ) : null}
      <QuestionMeta question={question} />
      <Wordings funder={<GuidingQuestions wording={text(question.wording)} />} easy={text(question.easy)} easyFirst={easyFirst} />
      {question.markers.length ? (
        <div className="sequence__block markers">
          <p className="wording__label">{t("dossier.markers")}</p>
          <ul>
            {question.markers.map((marker, index) => (
              <li key={index}>{text(marker)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <LiveAnswer live={live} question={question} labelId={showLabel ? headingId : sectionHeadingId} readOnlyNoteId={readOnlyNoteId} />
    </div>
  );
}

export function Storyboard({ templateRef, role }: { templateRef: TemplateRef; role: Role }) {
  const { t, text } = useLocale();
  const { template, error, retry } = useTemplate(templateRef);
  const { isOpen, toggle, allCollapsed, toggleAll } = useCollapsedSections(template?.sections ?? []);
  const live = useLiveDocument("storyboard");
  const readOnlyNoteId = useId();
  const idPrefix = useId().replace(/:/g, "");
  if (error) return <TemplateError error={error} retry={retry} />;
  if (!template) return <p aria-busy="true">{t("app.loading")}</p>;
  const easyFirst = role === "beneficiary";
  return (
    <>
      <div className="panel-header">
        <p className="template-subtitle">{template.subtitle ? text(template.subtitle) : text(template.title)}</p>
        <ToggleAllButton allCollapsed={allCollapsed} onClick={toggleAll} />
      </div>
      {template.intro.map((paragraph, index) => (
        <Paragraphs key={index} text={text(paragraph)} />
      ))}
      <DocumentBar live={live} readOnlyNoteId={readOnlyNoteId} />
      {/* One section per séquence; a séquence usually holds one question. */}
      {template.sections.map((section) => (
        <HeadingDisclosure
          key={section.key}
          level={3}
          title={text(section.title)}
          open={isOpen(section.key)}
          onToggle={() => toggle(section.key)}
          className="sequence"
          headingId={`${idPrefix}-${section.key}`}
        >
          {section.wording ? <Paragraphs text={text(section.wording)} /> : null}
          {section.questions.map((question) => (
            <SequenceQuestion
              key={question.key}
              question={question}
              level={4}
              showLabel={section.questions.length > 1}
              easyFirst={easyFirst}
              live={live}
              sectionHeadingId={`${idPrefix}-${section.key}`}
              readOnlyNoteId={readOnlyNoteId}
            />
          ))}
        </HeadingDisclosure>
      ))}
    </>
  );
}
