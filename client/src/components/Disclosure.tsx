// Show/hide building blocks made of real buttons (aria-expanded), so they are
// keyboard usable and found by role and name.

import { useId, useState, type ReactNode } from "react";

export type HeadingLevel = 2 | 3 | 4 | 5 | 6;

export function Heading({ level, children, className, id }: { level: HeadingLevel; children: ReactNode; className?: string; id?: string }) {
  const Tag = `h${level}` as const;
  return (
    <Tag className={className} id={id}>
      {children}
    </Tag>
  );
}

/** A heading whose button expands or collapses the content under it. */
export function HeadingDisclosure({
  level,
  title,
  open,
  onToggle,
  children,
  headingId,
  className,
}: {
  level: HeadingLevel;
  title: ReactNode;
  open: boolean;
  onToggle: () => void;
  children: ReactNode;
  headingId?: string;
  className?: string;
}) {
  const contentId = useId();
  return (
    <div className={`disclosure${className ? ` ${className}` : ""}`}>
      <Heading level={level} className="disclosure__heading" id={headingId}>
        <button type="button" className="disclosure__toggle" aria-expanded={open} aria-controls={contentId} onClick={onToggle}>
          <span className="disclosure__icon" aria-hidden="true">
            {open ? "▾" : "▸"}
          </span>
          {title}
        </button>
      </Heading>
      <div id={contentId} className="disclosure__content" hidden={!open}>
        {children}
      </div>
    </div>
  );
}

/** A small "show more" toggle (not a heading), closed by default. */
export function Reveal({ label, children, className }: { label: ReactNode; children: ReactNode; className?: string }) {
  const [open, setOpen] = useState(false);
  const contentId = useId();
  return (
    <div className={`reveal${className ? ` ${className}` : ""}`}>
      <button type="button" className="reveal__toggle" aria-expanded={open} aria-controls={contentId} onClick={() => setOpen((value) => !value)}>
        <span className="disclosure__icon" aria-hidden="true">
          {open ? "▾" : "▸"}
        </span>
        {label}
      </button>
      <div id={contentId} className="reveal__content" hidden={!open}>
        {children}
      </div>
    </div>
  );
}

/** Multi-paragraph text from a template: blank lines split paragraphs, line breaks are kept. */
export function Paragraphs({ text, className }: { text: string; className?: string }) {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean);
  return (
    <>
      {paragraphs.map((paragraph, index) => (
        <p key={index} className={`pre-line${className ? ` ${className}` : ""}`}>
          {paragraph}
        </p>
      ))}
    </>
  );
}
