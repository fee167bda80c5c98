import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError } from './api';

/** The error in the user's language, from its stable code (the API's English message when there is no text for it). */
export function errorText(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t('errors.internal');
  return t(`errors.${error.code}`, { ...error.details, defaultValue: error.message || t('errors.generic', { code: error.code }) });
}

/** One field problem in the user's language: the code of a domain refusal, else the validation rule. */
export function fieldText(t: TFunction, code: string, rule: string, message: string): string {
  if (rule === code) return t(`errors.${code}`, { defaultValue: message });
  return t(`rules.${rule}`, { defaultValue: message });
}

/**
 * Shows the API's field problems next to the fields of `form` (`steps.0.text` → ['steps', 0, 'text']);
 * returns the problems no field of the form holds, as text, for a message above the form.
 */
export function showFieldErrors(
  t: TFunction,
  form: FormInstance,
  error: unknown,
  fieldNames: Record<string, string> = {},
): string | undefined {
  if (!(error instanceof ApiError)) return errorText(t, error);
  const known = new Set(Object.keys(form.getFieldsValue(true) as object));
  const rest: string[] = [];
  const byField = new Map<string, string[]>();
  for (const p of error.fields) {
    const field = fieldNames[p.field] ?? p.field;
    const top = field.split('.')[0]!;
    if (!known.has(top)) {
      rest.push(`${p.field}: ${fieldText(t, error.code, p.rule, p.message)}`);
      continue;
    }
    byField.set(field, [...(byField.get(field) ?? []), fieldText(t, error.code, p.rule, p.message)]);
  }
  form.setFields(
    [...byField].map(([field, errors]) => ({ name: field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)), errors })),
  );
  if (error.fields.length === 0 || rest.length) return [errorText(t, error), ...rest].join(' · ');
  return undefined;
}
