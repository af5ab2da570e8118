// Small accessible form building blocks: every control has a <label>, its
// hint and error are tied to it with aria-describedby, and errors are
// announced (role="alert").

import type { InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes } from "react";
import { Children } from "react";

/** What every labelled control takes: its label, value, hint and error. */
interface FieldBase {
  id: string;
  label: ReactNode;
  value: string;
  onValueChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | null;
  /** Announce the error (role="alert") when it appears, for errors not covered by a form-level alert. */
  announceError?: boolean;
}

interface FieldProps extends FieldBase, Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "onChange" | "value"> {
  inputRef?: Ref<HTMLInputElement>;
}

interface SelectFieldProps extends FieldBase, Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "onChange" | "value"> {
  options: { value: string; label: string }[];
}

export function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

type LabelledFieldProps = Omit<FieldBase, "value" | "onValueChange"> & { className?: string; children: ReactNode };

/** The label, hint and error around one control (the control points at them with `describedBy`). */
function LabelledField({ id, label, hint, error, announceError, className, children }: LabelledFieldProps) {
  return (
    <div className={`field${error ? " field--invalid" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {children}
      <FieldError id={id} error={error} announce={announceError} />
    </div>
  );
}

export function TextField({ id, label, value, onValueChange, hint, error, announceError, inputRef, className, ...rest }: FieldProps) {
  return (
    <LabelledField id={id} label={label} hint={hint} error={error} announceError={announceError} className={className}>
      <input
        id={id}
        ref={inputRef}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...rest}
      />
    </LabelledField>
  );
}

export function SelectField({ id, label, value, onValueChange, options, hint, error, announceError, className, ...rest }: SelectFieldProps) {
  return (
    <LabelledField id={id} label={label} hint={hint} error={error} announceError={announceError} className={className}>
      <select
        id={id}
        value={value}
        onChange={(event) => onValueChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...rest}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </LabelledField>
  );
}

export function FieldError({ id, error, announce }: { id: string; error?: string | null; announce?: boolean }) {
  if (!error) return null;
  return (
    <p id={`${id}-error`} className="field-error" role={announce ? "alert" : undefined}>
      <span aria-hidden="true">⚠ </span>
      {error}
    </p>
  );
}

/** A form-level error, announced as soon as it appears. */
export function ErrorAlert({ message, children }: { message?: string | null; children?: ReactNode }) {
  if (!message && Children.toArray(children).length === 0) return null;
  return (
    <div role="alert" className="alert alert--error">
      {message ? <p>{message}</p> : null}
      {children}
    </div>
  );
}

/** A polite live region for success messages; always rendered so updates are announced. */
export function StatusMessage({ message, id }: { message?: string | null; id?: string }) {
  return (
    <p role="status" id={id} className={message ? "status-message" : "status-message status-message--empty"}>
      {message ?? ""}
    </p>
  );
}

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Focus the first control flagged invalid inside a form. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  const target = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  target?.focus();
}
