// The fields that create an account — name, e-mail, password — and their
// checks: on the sign-up form and when joining a dossier as a partner.

import type { Dispatch, ReactNode, SetStateAction } from "react";
import { useTranslation } from "react-i18next";
import { EMAIL_PATTERN, TextField } from "./forms";
import type { FieldErrors } from "./useApiForm";

export interface Account {
  name: string;
  email: string;
  password: string;
}

export const EMPTY_ACCOUNT: Account = { name: "", email: "", password: "" };

export type AccountField = "display_name" | "email" | "password";

type Translate = (key: string) => string;

/** An e-mail address is required and must look like one. */
export function emailError(email: string, t: Translate): string | undefined {
  if (!email.trim()) return t("validation.required");
  if (!EMAIL_PATTERN.test(email.trim())) return t("validation.email");
  return undefined;
}

/** The checks of the fields AccountFields shows (the name only `withName`). */
export function accountErrors(account: Account, t: Translate, { withName }: { withName: boolean }): FieldErrors<AccountField> {
  const errors: FieldErrors<AccountField> = {};
  if (withName && !account.name.trim()) errors.display_name = t("validation.required");
  const email = emailError(account.email, t);
  if (email) errors.email = email;
  if (account.password.length < 10) errors.password = t("validation.passwordLength");
  return errors;
}

export function AccountFields({
  idPrefix,
  account,
  setAccount,
  errors,
  withName,
  nameHint,
}: {
  idPrefix: string;
  account: Account;
  setAccount: Dispatch<SetStateAction<Account>>;
  errors: FieldErrors<AccountField>;
  withName: boolean;
  nameHint?: ReactNode;
}) {
  const { t } = useTranslation();
  const set = (field: keyof Account) => (value: string) => setAccount((previous) => ({ ...previous, [field]: value }));
  return (
    <>
      {withName ? (
        <TextField
          id={`${idPrefix}-name`}
          label={t("login.displayName")}
          hint={nameHint}
          autoComplete="name"
          maxLength={80}
          value={account.name}
          onValueChange={set("name")}
          error={errors.display_name}
          aria-required="true"
        />
      ) : null}
      <TextField
        id={`${idPrefix}-email`}
        label={t("login.email")}
        type="email"
        autoComplete="email"
        inputMode="email"
        value={account.email}
        onValueChange={set("email")}
        error={errors.email}
        aria-required="true"
      />
      <TextField
        id={`${idPrefix}-password`}
        label={t("login.password")}
        hint={t("login.passwordHint")}
        type="password"
        autoComplete="new-password"
        minLength={10}
        value={account.password}
        onValueChange={set("password")}
        error={errors.password}
        aria-required="true"
      />
    </>
  );
}
