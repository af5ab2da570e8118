// The submit flow of the forms that call the API: check the fields; if any is
// wrong, say so in the form's alert and focus the first wrong field; else call
// the API and, if it refuses, show its message and the field errors it implies.

import { useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api/client";
import { focusFirstInvalid } from "./forms";

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

export interface Submission<F extends string> {
  /** The client-side checks: the form is sent only when they find no error. */
  validate: () => FieldErrors<F>;
  /** Calls the API and does what follows success. */
  send: () => Promise<void>;
  /** When the API refuses: the field errors to show (the form's alert shows the error's message). */
  onRefused: (error: unknown) => FieldErrors<F>;
}

export function useApiForm<F extends string>() {
  const { t } = useTranslation();
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent, { validate, send, onRefused }: Submission<F>) => {
    event.preventDefault();
    if (busy) return;
    const invalid = validate();
    setErrors(invalid);
    if (Object.keys(invalid).length) {
      setFormError(t("common.formHasErrors"));
      requestAnimationFrame(() => focusFirstInvalid(formRef.current));
      return;
    }
    setBusy(true);
    setFormError(null);
    try {
      await send();
    } catch (error) {
      setErrors(onRefused(error));
      setFormError(api.errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return { formRef, errors, formError, busy, submit };
}

/** `message` on each of `fields` that a "validation_error" reply rejects (matched on the last part of the path). */
export function fieldErrorsFrom<F extends string>(error: unknown, fields: readonly F[], message: string): FieldErrors<F> {
  const errors: FieldErrors<F> = {};
  if (api.isApiError(error, "validation_error")) {
    for (const detail of error.details) {
      const field = detail.field.split(".").pop() ?? detail.field;
      if ((fields as readonly string[]).includes(field)) errors[field as F] = message;
    }
  }
  return errors;
}
