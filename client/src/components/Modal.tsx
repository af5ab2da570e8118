// A modal dialog on the native <dialog> element (focus trap, Esc, inert
// background come from the browser). Focus returns to the opener on close.

import { useEffect, useId, useRef, type ReactNode, type RefObject } from "react";
import { useTranslation } from "react-i18next";

interface ModalProps {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  /** Where focus goes on close when the opener is gone (e.g. a deleted row). */
  returnFocusTo?: RefObject<HTMLElement | null>;
  /** Show the "Close" button in the header (off for confirmations, which have Cancel). */
  showCloseButton?: boolean;
}

export function Modal({ open, title, onClose, children, className, returnFocusTo, showCloseButton = true }: ModalProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  useEffect(() => {
    if (open) return;
    const target = opener.current;
    opener.current = null;
    if (target && target.isConnected) {
      target.focus();
    } else if (target) {
      returnFocusTo?.current?.focus();
    }
  }, [open, returnFocusTo]);

  return (
    <dialog
      ref={ref}
      className={`modal${className ? ` ${className}` : ""}`}
      aria-labelledby={titleId}
      onClose={() => {
        if (open) onClose();
      }}
    >
      {open ? (
        <div className="modal__inner">
          <div className="modal__header">
            <h2 id={titleId} className="modal__title">
              {title}
            </h2>
            {showCloseButton ? (
              <button type="button" className="button button--secondary" onClick={onClose}>
                {t("common.close")}
              </button>
            ) : null}
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  text: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  error?: string | null;
  returnFocusTo?: RefObject<HTMLElement | null>;
}

export function ConfirmDialog({ open, title, text, confirmLabel, onConfirm, onCancel, busy, error, returnFocusTo }: ConfirmDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal open={open} title={title} onClose={onCancel} returnFocusTo={returnFocusTo} showCloseButton={false} className="modal--small">
      <p>{text}</p>
      {error ? (
        <div role="alert" className="alert alert--error">
          <p>{error}</p>
        </div>
      ) : null}
      <div className="button-row">
        <button type="button" className="button button--secondary" onClick={onCancel} autoFocus>
          {t("common.cancel")}
        </button>
        <button type="button" className="button button--danger" onClick={onConfirm} disabled={busy} aria-busy={busy || undefined}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
